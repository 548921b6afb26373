/*
 * presets.c - the built-in policies, as YAML text in the policy language
 * itself (docs/POLICY.md), so that what `--policy baseline` does can be
 * read, copied and changed like any policy file, and a user policy can
 * start from one with `extends: baseline`.
 *
 * baseline: what no image should ship with. Deny malware, persistence
 *   mechanisms, tampered package files (high and above), critical
 *   vulnerabilities that have a fix, private keys and cloud credentials;
 *   warn on fixable high vulnerabilities, other secrets, root, and
 *   high-risk configuration.
 * strict: for production registries. Deny fixable high and critical
 *   vulnerabilities, any secret, any integrity finding above info, root,
 *   a reference not pinned by digest, high-risk configuration; warn on
 *   critical vulnerabilities without a fix, medium ones, medium-risk
 *   configuration and unmanaged software above 10% of the executables.
 *   A signature rule and a KEV list need files only the user has:
 *   `extends: strict` and add image.signature or a kev rule.
 */
#include "policy/policy.h"

#include <string.h>

static const char baseline[] =
    "version: 1\n"
    "name: baseline\n"
    "vulnerabilities:\n"
    "  critical_fixable: {action: deny, severity: critical, fixable: true}\n"
    "  high_fixable: {action: warn, severity: high, fixable: true}\n"
    "malware:\n"
    "  any: {action: deny}\n"
    "persistence:\n"
    "  any: {action: deny}\n"
    "integrity:\n"
    "  high: {action: deny, severity: high}\n"
    "secrets:\n"
    "  keys:\n"
    "    action: deny\n"
    "    ids: [private-key, pgp-private-key, putty-private-key, age-secret-key,\n"
    "          kubeconfig-client-key, gcp-service-account-key, 'aws-*', 'gcp-*',\n"
    "          'google-*', 'azure-*', 'alibaba-*', 'digitalocean-*']\n"
    "  other: {action: warn}\n"
    "config:\n"
    "  high_risk: {action: warn, severity: high}\n"
    "image:\n"
    "  non_root: warn\n";

static const char strict[] =
    "version: 1\n"
    "name: strict\n"
    "vulnerabilities:\n"
    "  high_fixable: {action: deny, severity: high, fixable: true}\n"
    "  critical: {action: warn, severity: critical}\n"
    "  medium: {action: warn, severity: medium}\n"
    "malware:\n"
    "  any: {action: deny}\n"
    "persistence:\n"
    "  any: {action: deny}\n"
    "integrity:\n"
    "  any: {action: deny, severity: low}\n"
    "secrets:\n"
    "  any: {action: deny}\n"
    "config:\n"
    "  high_risk: {action: deny, severity: high}\n"
    "  medium_risk: {action: warn, severity: medium}\n"
    "unmanaged:\n"
    "  share: {action: warn, max_percent: 10}\n"
    "image:\n"
    "  non_root: deny\n"
    "  pinned: deny\n";

static const struct {
    const char *name;
    const char *text;
} presets[] = {
    {"baseline", baseline},
    {"strict", strict},
};

static const char *const names[] = {"baseline", "strict", NULL};

const char *
policy_preset_text(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
        if (strcmp(presets[i].name, name) == 0)
            return presets[i].text;
    return NULL;
}

const char *const *
moat_policy_presets(void)
{
    return names;
}
