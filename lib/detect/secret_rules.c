/*
 * secret_rules.c - the built-in secret rules, written for moat from the
 * providers' documented token formats; the checks that tell a secret from a
 * placeholder, a word or a line of code; and the loader of the user's
 * configuration (allow rules, extra rules).
 *
 * Each regex describes the shortest shape that identifies a secret (a
 * documented prefix and enough of the value, or a key name, a separator and
 * the first bytes of the value). The detector extends the value over the
 * rule's character set afterwards (secret_rules.h), so the regexes stay
 * bounded: every match is at most MOAT_LIMIT_SECRET_MATCH bytes long, which
 * bounds the look-behind a stream needs.
 *
 * Order matters: when two rules find the same value in one file, the first
 * in this table is reported (specific rules before generic ones).
 */
#include "secret_rules.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/str.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs/hs.h>
#include <yaml.h>

/* Characters of a key name in an assignment ("spring.datasource.password"). */
#define KEYC "[A-Za-z0-9_.\\-]"
/* Between a key and its value: an optional closing quote of the key, then
 * =, :, :=, ==, => (JSON, YAML, TOML, INI, .env, shell, PHP, Go, Ruby). */
#define SEP "[\"'`]?[ \\t]{0,8}[:=]{1,2}>?[ \\t]{0,8}[\"'`]?"
/* A provider keyword in a key name followed by an assignment. */
#define KW(kw) "(?i:" kw ")" KEYC "{0,25}" SEP
/* The first bytes of a bare or quoted value. */
#define VAL(n) "[^\\s\"'`,;]{" #n "}"

#define C "critical"
#define H "high"
#define M "medium"
#define L "low"

/* A token with a documented prefix: the match starts at the token. */
#define TOK(i, t, s, re, cs, mn, mx, ent, chk)                                                    \
    {.id = i, .title = t, .severity = s, .regex = re, .extract = SX_TOKEN, .charset = cs,        \
     .min_len = mn, .max_len = mx, .min_entropy10 = ent, .checks = chk}
/* key <sep> value: the value is the secret. */
#define ASG(i, t, s, re, cs, mn, mx, ent, chk)                                                    \
    {.id = i, .title = t, .severity = s, .regex = re, .extract = SX_ASSIGN, .charset = cs,       \
     .min_len = mn, .max_len = mx, .min_entropy10 = ent, .checks = chk}
/* A key block: reported, never shown. */
#define BLK(i, t, s, re)                                                                          \
    {.id = i, .title = t, .severity = s, .regex = re, .extract = SX_BLOCK, .charset = CS_NONE,   \
     .min_len = 0, .max_len = 0, .min_entropy10 = 0, .checks = SC_NO_PLACEHOLDER}

#define BB SC_BOUND_BEFORE
#define BA SC_BOUND_AFTER
#define BOTH (SC_BOUND_BEFORE | SC_BOUND_AFTER)
#define GEN (SC_GENERIC | SC_BOUND_BEFORE)

#define UUID "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
/* A line break as written in a file or escaped inside a JSON string. */
#define NL "(\\r?\\n|\\\\r?\\\\n)"

const struct secret_rule secret_builtin_rules[] = {
    /* ---- files whose format says where the secret is ---- */
    {.id = "git-credentials", .title = "Credentials stored by git (credential store)",
     .severity = H, .regex = "://[^\\s:/@\"'<>]{1,64}:[^\\s/@\"'<>]{1,64}@",
     .extract = SX_URL, .charset = CS_NONE, .min_len = 3, .path_base = ".git-credentials"},
    {.id = "pypirc-password", .title = "Package index password in .pypirc", .severity = H,
     .regex = "^[ \\t]*(?i:password)[ \\t]*[=:][ \\t]*[^\\s]{3}", .hs_flags = HS_FLAG_MULTILINE,
     .extract = SX_ASSIGN, .charset = CS_VALUE, .min_len = 3, .path_base = ".pypirc"},
    {.id = "pgpass-password", .title = "PostgreSQL password file entry", .severity = H,
     .regex = "^[^:#\\s]{1,64}:[^:\\s]{1,8}:[^:\\s]{1,64}:[^:\\s]{1,64}:[^\\s]{3}",
     .hs_flags = HS_FLAG_MULTILINE, .extract = SX_FIELD5, .charset = CS_VALUE, .min_len = 3,
     .path_base = ".pgpass"},
    {.id = "netrc-password", .title = "Password in a .netrc file", .severity = H,
     .regex = "(?i:password)[ \\t]+[^\\s]{3}", .extract = SX_ASSIGN, .charset = CS_VALUE,
     .min_len = 3, .checks = BB, .path_base = ".netrc"},
    {.id = "kubeconfig-token", .title = "Kubernetes bearer token in a kubeconfig",
     .severity = H, .regex = "^[ \\t]*(-[ \\t]*)?token:[ \\t]*[\"']?[A-Za-z0-9_.\\-]{16}",
     .hs_flags = HS_FLAG_MULTILINE, .extract = SX_ASSIGN, .charset = CS_TOKEN, .min_len = 16,
     .min_entropy10 = 30, .path_has = "kube"},

    /* ---- private keys ---- */
    BLK("gcp-service-account-key", "Google Cloud service account key (JSON)", C,
        "\"private_key\"[ \\t]*:[ \\t]*\"-----BEGIN PRIVATE KEY-----\\\\n[A-Za-z0-9+/]{40}"),
    /* a key block needs its body: the header alone is documentation */
    BLK("private-key", "Private key (PEM or OpenSSH)", C,
        "-----BEGIN( (RSA|EC|DSA|OPENSSH|ENCRYPTED|ANY))? PRIVATE KEY-----[ \\t]*" NL
        "(Proc-Type: 4,ENCRYPTED|[A-Za-z0-9+/=]{40})"),
    BLK("pgp-private-key", "PGP private key block", C,
        "-----BEGIN PGP PRIVATE KEY BLOCK-----[ \\t]*" NL "([A-Z][a-z]{1,15}: [^\\r\\n]{1,64}" NL
        "){0,3}" NL "[A-Za-z0-9+/=]{40}"),
    {.id = "putty-private-key", .title = "PuTTY private key", .severity = C,
     .regex = "Private-Lines: [0-9]{1,3}\\r?\\n[A-Za-z0-9+/=]{40}", .extract = SX_BLOCK,
     .charset = CS_NONE, .checks = SC_NO_PLACEHOLDER, .prefix = "Private-Lines:"},
    TOK("age-secret-key", "age encryption secret key", C,
        "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}", CS_UPPER, 74, 74, 30, BOTH),
    ASG("kubeconfig-client-key", "Kubernetes client private key (client-key-data)", C,
        "client-key-data:[ \\t]*[\"']?LS0tLS1CRUdJTi[A-Za-z0-9+/=]{20}", CS_B64, 40, 0, 0,
        SC_NO_PLACEHOLDER),

    /* ---- cloud providers ---- */
    TOK("aws-access-key-id", "AWS access key ID", H,
        "(A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}", CS_UPPER, 20, 20, 30, BOTH),
    ASG("aws-secret-access-key", "AWS secret access key", C,
        "(?i:aws_?(secret_?)?(access_?)?key|secret_?access_?key)" SEP "[A-Za-z0-9/+]{40}", CS_B64,
        40, 40, 35, BOTH),
    ASG("aws-session-token", "AWS session token", H,
        "(?i:aws_?session_?token|session_?token)" SEP "[A-Za-z0-9/+=]{20}", CS_B64, 100, 0, 40,
        BB),
    TOK("aws-mws-key", "Amazon MWS auth token", H,
        "amzn[.]mws[.][0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", CS_NONE, 45,
        45, 0, BB),
    TOK("gcp-api-key", "Google API key", H, "AIza[0-9A-Za-z_\\-]{35}", CS_B64URL, 39, 39, 35,
        BOTH),
    TOK("gcp-oauth-client-secret", "Google OAuth client secret", H, "GOCSPX-[0-9A-Za-z_\\-]{28}",
        CS_B64URL, 35, 35, 35, BOTH),
    TOK("google-oauth-access-token", "Google OAuth access token", H, "ya29[.][0-9A-Za-z_\\-]{30}",
        CS_B64URL, 35, 2048, 35, BB),
    TOK("firebase-cloud-messaging-key", "Firebase Cloud Messaging server key", M,
        "AAAA[A-Za-z0-9_\\-]{7}:APA91b[A-Za-z0-9_\\-]{100}", CS_B64URL, 110, 400, 35, BB),
    ASG("azure-storage-key", "Azure storage account key", C,
        "(?i:AccountKey)=[A-Za-z0-9+/]{86}==", CS_B64, 88, 88, 35, BA),
    ASG("azure-storage-key", "Azure storage account key", C,
        "(?i:azure_?storage_?(account_?)?(access_?)?key)" SEP "[A-Za-z0-9+/]{86}==", CS_B64, 88,
        88, 35, BA),
    ASG("azure-shared-access-key", "Azure shared access key (Service Bus, Event Hubs, IoT Hub)",
        C, "(?i:SharedAccessKey)=[A-Za-z0-9+/]{43}=", CS_B64, 44, 44, 35, BA),
    {.id = "azure-sas-token", .title = "Azure shared access signature (SAS) token",
     .severity = H, .regex = "[?&]sig=[A-Za-z0-9%+/]{40}",
     .extract = SX_TAIL, .charset = CS_URL64, .min_len = 40, .max_len = 200,
     .min_entropy10 = 35},
    TOK("azure-ad-client-secret", "Azure AD (Entra ID) client secret", C,
        "[a-zA-Z0-9_~.]{3}[0-9]Q~[a-zA-Z0-9_~.\\-]{31}", CS_TOKEN, 37, 40, 35, BOTH),
    ASG("azure-devops-pat", "Azure DevOps personal access token", H,
        KW("azure|ado_|devops|vsts") "[a-z2-7]{52}", CS_ALNUM, 52, 52, 35, BOTH),
    TOK("digitalocean-token", "DigitalOcean access token", C, "do[por]_v1_[a-f0-9]{64}", CS_HEX,
        71, 71, 30, BOTH),
    TOK("alibaba-access-key-id", "Alibaba Cloud AccessKey ID", H, "LTAI[A-Za-z0-9]{20}",
        CS_ALNUM, 24, 24, 30, BOTH),
    ASG("alibaba-secret-key", "Alibaba Cloud AccessKey secret", C,
        KW("alibaba|aliyun") "[A-Za-z0-9]{30}", CS_ALNUM, 30, 30, 35, BOTH),
    ASG("heroku-api-key", "Heroku API key", H, KW("heroku") UUID, CS_NONE, 36, 36, 30, BOTH),
    TOK("heroku-api-key", "Heroku API key", H, "HRKU-[A-Za-z0-9_\\-]{40}", CS_B64URL, 45, 80,
        35, BB),
    TOK("hashicorp-vault-token", "HashiCorp Vault token", H, "hv[sb][.][A-Za-z0-9_\\-]{24}",
        CS_B64URL, 28, 512, 35, BOTH),
    TOK("hashicorp-tf-api-token", "Terraform Cloud / Enterprise API token", M,
        "[A-Za-z0-9]{14}[.]atlasv1[.][A-Za-z0-9_\\-=]{60}", CS_JWT, 82, 100, 35, BOTH),
    TOK("tailscale-key", "Tailscale API or auth key", H,
        "tskey-(api|auth|client|scim|webhook)-[A-Za-z0-9]{6,24}-[A-Za-z0-9]{20}", CS_ALNUM, 40,
        80,
        35, BOTH),
    TOK("flyio-token", "Fly.io access token", H, "fo1_[A-Za-z0-9_\\-]{43}", CS_B64URL, 47, 47,
        35, BOTH),
    TOK("flyio-token", "Fly.io access token", H, "FlyV1 fm[12][a-z]?_[A-Za-z0-9+/=_\\-]{100}",
        CS_B64, 110, 4096, 35, BB),
    TOK("render-api-key", "Render API key", H, "rnd_[A-Za-z0-9]{32}", CS_ALNUM, 36, 36, 35,
        BOTH),
    TOK("supabase-token", "Supabase access token", H, "sbp_[a-f0-9]{40}", CS_HEX, 44, 44, 30,
        BOTH),

    /* ---- source forges and CI ---- */
    TOK("github-pat", "GitHub personal access token (classic)", C, "ghp_[A-Za-z0-9]{36}",
        CS_ALNUM, 40, 40, 35, BOTH),
    TOK("github-oauth", "GitHub OAuth access token", C, "gho_[A-Za-z0-9]{36}", CS_ALNUM, 40, 40,
        35, BOTH),
    TOK("github-app-token", "GitHub App user-to-server or installation token", C,
        "gh[us]_[A-Za-z0-9]{36}", CS_ALNUM, 40, 40, 35, BOTH),
    TOK("github-refresh-token", "GitHub refresh token", C, "ghr_[A-Za-z0-9]{36}", CS_ALNUM, 40,
        80, 35, BOTH),
    TOK("github-fine-grained-pat", "GitHub fine-grained personal access token", C,
        "github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}", CS_ALNUM, 93, 93, 35, BOTH),
    TOK("gitlab-pat", "GitLab personal access token", C, "glpat-[A-Za-z0-9_\\-]{20}", CS_JWT, 26,
        128, 35, BB),
    TOK("gitlab-pipeline-trigger-token", "GitLab pipeline trigger token", H,
        "glptt-[0-9a-f]{40}", CS_HEX, 46, 46, 30, BOTH),
    TOK("gitlab-runner-token", "GitLab runner registration or authentication token", H,
        "(GR1348941|glrt-)[A-Za-z0-9_\\-]{20}", CS_JWT, 25, 128, 35, BB),
    TOK("gitlab-token", "GitLab deploy, feed, OAuth or other access token", H,
        "gl(dt|ft|soat|cbt|imt|oas|agent)-[A-Za-z0-9_\\-]{20}", CS_JWT, 25, 128, 35, BB),
    TOK("bitbucket-app-password", "Bitbucket app password / API token", H,
        "ATBB[A-Za-z0-9_=.\\-]{32}", CS_JWT, 36, 128, 35, BOTH),
    ASG("bitbucket-client-secret", "Bitbucket client ID or secret", H,
        KW("bitbucket") "[A-Za-z0-9_\\-]{32}", CS_B64URL, 32, 64, 35, BOTH),
    TOK("atlassian-api-token", "Atlassian API token", H, "ATATT3[A-Za-z0-9_\\-=]{100}", CS_JWT,
        106, 400, 35, BOTH),
    ASG("atlassian-api-token", "Atlassian API token", H,
        KW("atlassian|confluence|jira") "[A-Za-z0-9]{24}", CS_ALNUM, 24, 24, 35, BOTH),
    ASG("circleci-token", "CircleCI API token", M, KW("circleci|circle_ci|circle-ci") "[a-f0-9]{40}",
        CS_HEX, 40, 40, 30, BOTH),
    ASG("travisci-token", "Travis CI token", M, KW("travis") "[A-Za-z0-9]{22}", CS_ALNUM, 22, 22,
        35, BOTH),
    TOK("sonarqube-token", "SonarQube token", M, "sq[pua]_[a-f0-9]{40}", CS_HEX, 44, 44, 30,
        BOTH),
    ASG("snyk-token", "Snyk API token", M, KW("snyk") UUID, CS_NONE, 36, 36, 30, BOTH),
    TOK("postman-api-token", "Postman API key", M, "PMAK-[a-f0-9]{24}-[a-f0-9]{34}", CS_HEX, 64,
        64, 30, BOTH),
    TOK("pulumi-api-token", "Pulumi access token", H, "pul-[a-f0-9]{40}", CS_HEX, 44, 44, 30,
        BOTH),
    ASG("netlify-token", "Netlify access token", M, KW("netlify") "[A-Za-z0-9_\\-]{40}",
        CS_B64URL, 40, 46, 35, BOTH),
    ASG("vercel-token", "Vercel access token", M, KW("vercel") "[A-Za-z0-9]{24}", CS_ALNUM, 24,
        24, 35, BOTH),
    TOK("doppler-token", "Doppler token", H, "dp[.](pt|st|ct|sa|scim|audit)[.][A-Za-z0-9_\\-]{40}",
        CS_B64URL, 46, 64, 35, BOTH),
    TOK("prefect-api-key", "Prefect API key", M, "pnu_[A-Za-z0-9]{36}", CS_ALNUM, 40, 40, 35,
        BOTH),
    TOK("readme-api-key", "ReadMe API key", M, "rdme_[a-z0-9]{70}", CS_ALNUM, 75, 75, 35, BOTH),
    ASG("ngrok-token", "ngrok auth token", M, KW("ngrok") "[0-9][A-Za-z0-9]{26}_[A-Za-z0-9]{21}",
        CS_B64URL, 49, 49, 35, BOTH),

    /* ---- package registries ---- */
    TOK("npm-access-token", "npm access token", H, "npm_[A-Za-z0-9]{36}", CS_ALNUM, 40, 40, 35,
        BOTH),
    ASG("npmrc-auth", "Registry credential in .npmrc (_authToken, _auth, _password)", H,
        "(?i:_authToken|_auth|_password)[ \\t]*=[ \\t]*[\"']?[^\\s\"'$]{8}", CS_VALUE, 8, 0, 30,
        SC_KEY_START),
    TOK("pypi-upload-token", "PyPI upload token", H, "pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\\-]{50}",
        CS_B64URL, 70, 0, 35, BB),
    TOK("dockerhub-pat", "Docker Hub personal or organisation access token", H,
        "dckr_(pat|oat)_[A-Za-z0-9_\\-]{27}", CS_B64URL, 36, 64, 35, BOTH),
    ASG("docker-config-auth", "Registry credentials in a Docker config (auths)", H,
        "\"auth\"[ \\t]*:[ \\t]*\"[A-Za-z0-9+/]{8}", CS_B64, 8, 0, 0, SC_USERPASS),
    ASG("dockerconfigjson", "Docker config embedded in a Kubernetes secret", H,
        "(?i:[.]dockerconfigjson|[.]dockercfg)[\"']?[ \\t]*:[ \\t]*[|>]?[ \\t]*[\"']?e[wy][A-Za-z0-9+/=]{20}",
        CS_B64, 22, 0, 30, 0),
    TOK("rubygems-api-token", "RubyGems API key", M, "rubygems_[a-f0-9]{48}", CS_HEX, 57, 57, 30,
        BOTH),
    TOK("crates-io-token", "crates.io API token", M, "cio[A-Za-z0-9]{32}", CS_ALNUM, 35, 35, 40,
        BOTH),
    TOK("nuget-api-key", "NuGet API key", M, "oy2[a-z0-9]{43}", CS_ALNUM, 46, 46, 35, BOTH),
    TOK("private-packagist-token", "Private Packagist token", H, "packagist_[ou][ru]t_[a-f0-9]{68}",
        CS_HEX, 82, 82, 30, BOTH),
    TOK("clojars-api-token", "Clojars deploy token", M, "CLOJARS_[a-z0-9]{60}", CS_ALNUM, 68, 68,
        35, BOTH),
    TOK("artifactory-api-key", "JFrog Artifactory API key", H, "AKCp[A-Za-z0-9]{69}", CS_ALNUM,
        73, 73, 35, BOTH),
    TOK("artifactory-reference-token", "JFrog Artifactory reference token", H,
        "cmVmdGtu[A-Za-z0-9]{56}", CS_ALNUM, 64, 64, 35, BOTH),

    /* ---- messaging, payments, SaaS ---- */
    TOK("slack-token", "Slack token", H, "xox[abposr]-[0-9A-Za-z]{10}", CS_B64URL, 15, 256, 30,
        BB),
    TOK("slack-app-token", "Slack app-level token", H, "xapp-[0-9]-[A-Z0-9]{8}", CS_B64URL, 80,
        128, 35, BB),
    TOK("slack-config-token", "Slack configuration token", H, "xoxe([.]xox[bp])?-[0-9]-[A-Z0-9]{100}",
        CS_UPPER, 100, 300, 35, BB),
    TOK("slack-webhook", "Slack incoming webhook URL", M,
        "hooks[.]slack[.]com/(services|workflows|triggers)/T[A-Z0-9]{8,12}/[A-Z0-9]{8,14}/[A-Za-z0-9]{24}",
        CS_ALNUM, 50, 256, 0, BA),
    TOK("teams-webhook", "Microsoft Teams incoming webhook URL", M,
        "webhook[.]office[.]com/webhookb2/[a-f0-9\\-]{36}@[a-f0-9\\-]{36}/IncomingWebhook/[a-f0-9]{32}",
        CS_B64URL, 100, 300, 0, 0),
    TOK("discord-webhook", "Discord webhook URL", M,
        "discord(app)?[.]com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_\\-]{60}", CS_B64URL, 90, 200,
        0, 0),
    ASG("discord-token", "Discord API token or client secret", M,
        KW("discord") "[A-Za-z0-9_\\-.]{32}", CS_JWT, 32, 90, 35, BOTH),
    TOK("telegram-bot-token", "Telegram bot token", M, "[0-9]{8,10}:AA[A-Za-z0-9_\\-]{33}",
        CS_B64URL, 44, 46, 35, BOTH),
    TOK("stripe-secret-key", "Stripe live secret or restricted key", C, "[sr]k_live_[0-9A-Za-z]{20}",
        CS_ALNUM, 28, 255, 35, BOTH),
    TOK("stripe-test-key", "Stripe test-mode secret key", L, "[sr]k_test_[0-9A-Za-z]{20}",
        CS_ALNUM, 28, 255, 35, BOTH),
    TOK("stripe-webhook-secret", "Stripe webhook signing secret", H, "whsec_[A-Za-z0-9]{32}",
        CS_ALNUM, 38, 80, 35, BOTH),
    TOK("square-access-token", "Square access token", H, "EAAA[A-Za-z0-9_\\-]{60}", CS_B64URL, 64,
        64, 35, BOTH),
    TOK("square-token", "Square OAuth token or secret", H, "sq0(atp|csp)-[0-9A-Za-z_\\-]{22}",
        CS_B64URL, 29, 50, 35, BOTH),
    TOK("paypal-braintree-token", "PayPal Braintree access token", H,
        "access_token[$]production[$][a-z0-9]{16}[$][a-f0-9]{32}", CS_NONE, 72, 72, 0, 0),
    TOK("shopify-token", "Shopify access token or shared secret", H,
        "shp(at|ca|pa|ss)_[a-fA-F0-9]{32}", CS_HEX, 38, 38, 30, BOTH),
    TOK("twilio-api-key", "Twilio API key", M, "SK[0-9a-fA-F]{32}", CS_HEX, 34, 34, 30, BOTH),
    ASG("twilio-auth-token", "Twilio auth token", H, KW("twilio") "[0-9a-f]{32}", CS_HEX, 32, 32,
        30, BOTH),
    TOK("sendgrid-api-token", "SendGrid API key", H, "SG[.][A-Za-z0-9_\\-]{22}[.][A-Za-z0-9_\\-]{43}",
        CS_B64URL, 69, 69, 35, BOTH),
    TOK("sendinblue-api-token", "Brevo (Sendinblue) API key", M,
        "x(keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}", CS_ALNUM, 88, 90, 35, BOTH),
    ASG("mailgun-token", "Mailgun API key", M, KW("mailgun") "(pub)?key-[0-9a-f]{32}", CS_B64URL,
        36, 39, 30, BOTH),
    ASG("mailgun-signing-key", "Mailgun webhook signing key", M,
        KW("mailgun") "[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}", CS_NONE, 50, 50, 30, BOTH),
    TOK("mailchimp-api-key", "Mailchimp API key", M, "[0-9a-f]{32}-us[0-9]", CS_ALNUM, 36, 38,
        30, BOTH),
    ASG("datadog-api-key", "Datadog API or application key", M,
        KW("(datadog|dd)[_.\\-]?(api|app|application)[_.\\-]?key") "[a-f0-9]{32}", CS_HEX, 32,
        40, 30, BOTH),
    TOK("new-relic-user-api-key", "New Relic user API key", H, "NRAK-[A-Z0-9]{27}", CS_UPPER, 32,
        32, 30, BOTH),
    TOK("new-relic-browser-api-token", "New Relic browser ingest token", M, "NRJS-[a-f0-9]{19}",
        CS_HEX, 24, 24, 30, BOTH),
    TOK("new-relic-insert-key", "New Relic insights insert key", M, "NRII-[A-Za-z0-9_\\-]{32}",
        CS_B64URL, 37, 37, 35, BOTH),
    TOK("new-relic-license-key", "New Relic ingest license key", H, "[a-f0-9]{36}NRAL",
        CS_NONE, 40, 40, 30, BOTH),
    TOK("linear-api-token", "Linear API key", M, "lin_api_[A-Za-z0-9]{40}", CS_ALNUM, 48, 48, 35,
        BOTH),
    ASG("linear-client-secret", "Linear client secret", M, KW("linear") "[a-f0-9]{32}", CS_HEX,
        32, 32, 30, BOTH),
    TOK("databricks-api-token", "Databricks API token", M, "dapi[a-f0-9]{32}", CS_HEX, 36, 38,
        30, BOTH),
    TOK("dynatrace-api-token", "Dynatrace API token", M, "dt0c01[.][A-Z0-9]{24}[.][A-Z0-9]{64}",
        CS_UPPER, 96, 96, 35, BOTH),
    TOK("grafana-cloud-token", "Grafana Cloud API token", H, "glc_[A-Za-z0-9+/]{32}", CS_B64, 36,
        400, 35, BOTH),
    TOK("grafana-service-account-token", "Grafana service account token", H,
        "glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}", CS_HEX, 46, 46, 35, BOTH),
    TOK("grafana-api-key", "Grafana API key", M, "eyJrIjoi[A-Za-z0-9]{70}", CS_B64, 78, 400, 35,
        BOTH),
    TOK("planetscale-token", "PlanetScale password or token", M,
        "pscale_(pw|tkn|oauth)_[A-Za-z0-9_\\-.]{32}", CS_JWT, 40, 80, 35, BOTH),
    TOK("shippo-api-token", "Shippo API token", L, "shippo_(live|test)_[a-f0-9]{40}", CS_HEX, 52,
        52, 30, BOTH),
    TOK("frameio-api-token", "Frame.io API token", L, "fio-u-[A-Za-z0-9_\\-=]{64}", CS_JWT, 70,
        70, 35, BOTH),
    TOK("duffel-api-token", "Duffel API token", L, "duffel_(test|live)_[A-Za-z0-9_\\-=]{43}",
        CS_JWT, 54, 55, 35, BOTH),
    TOK("easypost-api-token", "EasyPost API token", L, "EZ[AT]K[A-Za-z0-9]{54}", CS_ALNUM, 58, 58,
        35, BOTH),
    TOK("gocardless-api-token", "GoCardless API token", M, "live_[A-Za-z0-9_\\-=]{40}", CS_JWT,
        45, 45, 40, BOTH),
    TOK("flutterwave-key", "Flutterwave secret, public or encryption key", M,
        "FLW(PUB|SEC)K(_TEST)?-[a-h0-9]{32}-X", CS_NONE, 43, 48, 30, BB),
    TOK("flutterwave-key", "Flutterwave secret, public or encryption key", M,
        "FLWSECK_TEST[a-h0-9]{12}", CS_ALNUM, 24, 24, 30, BOTH),
    TOK("adobe-client-secret", "Adobe client secret", L, "p8e-[A-Za-z0-9]{32}", CS_ALNUM, 36, 36,
        35, BOTH),
    ASG("adobe-client-id", "Adobe client ID (OAuth web)", L, KW("adobe") "[a-f0-9]{32}", CS_HEX,
        32, 32, 30, BOTH),
    ASG("asana-client-secret", "Asana client secret", M, KW("asana") "[a-z0-9]{32}", CS_ALNUM,
        32, 32, 30, BOTH),
    TOK("asana-pat", "Asana personal access token", M, "[0-9]/[0-9]{16}:[a-z0-9]{32}", CS_ALNUM,
        51, 51, 30, BOTH),
    ASG("beamer-api-token", "Beamer API token", L, KW("beamer") "b_[A-Za-z0-9=_\\-]{44}", CS_JWT,
        46, 46, 35, BOTH),
    ASG("contentful-delivery-api-token", "Contentful delivery API token", L,
        KW("contentful") "[A-Za-z0-9=_\\-]{43}", CS_JWT, 43, 43, 35, BOTH),
    TOK("dropbox-api-token", "Dropbox short-lived access token", H, "sl[.][A-Za-z0-9_\\-=]{130}",
        CS_JWT, 133, 1400, 35, BOTH),
    ASG("dropbox-api-token", "Dropbox API secret or long-lived token", H,
        KW("dropbox") "[A-Za-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_\\-=]{43}", CS_JWT, 64, 64, 30, BOTH),
    ASG("dropbox-api-token", "Dropbox API secret or long-lived token", H,
        KW("dropbox") "[a-z0-9]{15}", CS_ALNUM, 15, 15, 30, BOTH),
    ASG("fastly-api-token", "Fastly API token", M, KW("fastly") "[A-Za-z0-9=_\\-]{32}", CS_JWT,
        32, 32, 35, BOTH),
    ASG("finicity-token", "Finicity client secret or API token", M,
        KW("finicity") "[a-f0-9]{20}", CS_HEX, 20, 32, 30, BOTH),
    ASG("facebook-token", "Facebook app secret", L, KW("facebook") "[a-f0-9]{32}", CS_HEX, 32,
        32, 30, BOTH),
    TOK("facebook-access-token", "Facebook access token", M, "EAA[B-Z][A-Za-z0-9]{90}",
        CS_ALNUM, 94, 300, 35, BOTH),
    ASG("twitter-token", "Twitter/X API secret", L, KW("twitter") "[A-Za-z0-9]{35}", CS_ALNUM,
        35, 50, 35, BOTH),
    /* starts with 21 'A's: the placeholder check would take it for one */
    TOK("twitter-bearer-token", "Twitter/X bearer token", M,
        "AAAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{30}", CS_URL64, 51, 200, 35,
        BOTH | SC_NO_PLACEHOLDER),
    TOK("hubspot-api-token", "HubSpot private app token", M, "pat-(na|eu)1-" UUID, CS_NONE, 44,
        44, 0, BOTH),
    ASG("hubspot-api-token", "HubSpot API key", L, KW("hubspot") UUID, CS_NONE, 36, 36, 30, BOTH),
    ASG("intercom-api-token", "Intercom API token", L, KW("intercom") "[A-Za-z0-9=_\\-]{60}",
        CS_JWT, 60, 60, 35, BOTH),
    TOK("ionic-api-token", "Ionic API token", L, "ion_[A-Za-z0-9]{42}", CS_ALNUM, 46, 46, 35,
        BOTH),
    ASG("linkedin-client-secret", "LinkedIn client secret", L, KW("linkedin") "[A-Za-z0-9]{14}",
        CS_ALNUM, 14, 16, 30, BOTH),
    ASG("lob-api-key", "Lob API key", L, KW("lob") "(live|test)_(pub_)?[a-f0-9]{31}", CS_B64URL,
        36, 45, 30, BOTH),
    TOK("mapbox-secret-token", "Mapbox secret access token", M, "sk[.]eyJ1Ijoi[A-Za-z0-9_\\-]{20}",
        CS_JWT, 60, 400, 35, BOTH),
    ASG("messagebird-api-token", "MessageBird API token", M,
        KW("messagebird|message_bird|message-bird") "[A-Za-z0-9]{25}", CS_ALNUM, 25, 25, 35,
        BOTH),
    ASG("twitch-api-token", "Twitch API token", L, KW("twitch") "[a-z0-9]{30}", CS_ALNUM, 30, 30,
        30, BOTH),
    TOK("typeform-api-token", "Typeform personal access token", L,
        "tfp_[A-Za-z0-9_\\-.=]{59}", CS_JWT, 63, 70, 35, BOTH),
    ASG("okta-api-token", "Okta API token", M, KW("okta") "00[A-Za-z0-9_\\-]{40}", CS_B64URL, 42,
        42, 35, BOTH),
    TOK("sentry-token", "Sentry auth token", M, "sntry[su]_[A-Za-z0-9+/=_]{40}", CS_B64, 46, 400,
        35, BOTH),
    ASG("algolia-api-key", "Algolia admin API key", M, KW("algolia") "[a-f0-9]{32}", CS_HEX, 32,
        32, 30, BOTH),
    ASG("cloudflare-api-token", "Cloudflare API token or key", M,
        KW("cloudflare") "[A-Za-z0-9_\\-]{37}", CS_B64URL, 37, 40, 35, BOTH),
    TOK("notion-token", "Notion integration token", M, "ntn_[0-9]{11}[A-Za-z0-9]{35}", CS_ALNUM,
        50, 50, 35, BOTH),
    TOK("airtable-pat", "Airtable personal access token", M, "pat[A-Za-z0-9]{14}[.][a-f0-9]{64}",
        CS_HEX, 82, 82, 35, BOTH),
    TOK("figma-pat", "Figma personal access token", M, "figd_[A-Za-z0-9_\\-]{40}", CS_B64URL, 45,
        45, 35, BOTH),

    /* ---- AI services ---- */
    {.id = "openai-api-key", .title = "OpenAI API key", .severity = H,
     .regex = "T3BlbkFJ[A-Za-z0-9_\\-]{20}", .extract = SX_TOKEN, .charset = CS_B64URL,
     .min_len = 51, .max_len = 300, .min_entropy10 = 35, .checks = BOTH, .prefix = "sk-"},
    TOK("openai-api-key", "OpenAI API key", H, "sk-(proj|svcacct|admin)-[A-Za-z0-9_\\-]{40}",
        CS_B64URL, 50, 300, 35, BOTH),
    TOK("anthropic-api-key", "Anthropic API key", H, "sk-ant-(api|admin)[0-9]{2}-[A-Za-z0-9_\\-]{80}",
        CS_B64URL, 90, 200, 35, BOTH),
    TOK("huggingface-token", "Hugging Face access token", H, "hf_[A-Za-z0-9]{34}", CS_ALNUM, 37,
        43, 35, BOTH),
    TOK("huggingface-token", "Hugging Face organisation token", H, "api_org_[A-Za-z0-9]{34}",
        CS_ALNUM, 42, 42, 35, BOTH),
    TOK("groq-api-key", "Groq API key", H, "gsk_[A-Za-z0-9]{52}", CS_ALNUM, 56, 56, 35, BOTH),
    TOK("replicate-api-token", "Replicate API token", H, "r8_[A-Za-z0-9]{37}", CS_ALNUM, 40, 40,
        35, BOTH),
    TOK("perplexity-api-key", "Perplexity API key", H, "pplx-[A-Za-z0-9]{48}", CS_ALNUM, 53, 53,
        35, BOTH),
    TOK("xai-api-key", "xAI API key", H, "xai-[A-Za-z0-9]{80}", CS_ALNUM, 84, 84, 35, BOTH),
    TOK("langsmith-api-key", "LangSmith API key", H, "lsv2_(pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}",
        CS_HEX, 51, 51, 30, BOTH),

    /* ---- credentials in URLs, headers and command lines ---- */
    {.id = "url-password", .title = "Password embedded in a URL", .severity = H,
     .regex = "://[^\\s:/@\"'<>]{1,64}:[^\\s/@\"'<>]{1,64}@", .extract = SX_URL,
     .charset = CS_NONE, .min_len = 3},
    {.id = "jwt", .title = "JSON Web Token", .severity = M, .regex = "[.]eyJ[A-Za-z0-9_\\-]{10}",
     .extract = SX_TOKEN, .charset = CS_JWT, .min_len = 40, .checks = BB | SC_JWT,
     .prefix = "eyJ"},
    {.id = "authorization-header", .title = "Credential in an HTTP Authorization header",
     .severity = M,
     .regex = "(?i:authorization)[\"']?[ \\t]*:[ \\t]*[\"']?(?i:basic|bearer|token)[ \\t]+[A-Za-z0-9+/=._\\-]{16}",
     .extract = SX_TAIL, .charset = CS_TOKEN, .min_len = 16, .min_entropy10 = 33},
    {.id = "cli-password", .title = "Password or token passed on a command line",
     .severity = M,
     .regex = "--(?i:password|passwd|token|api-key|apikey|secret|client-secret)[= ][ \\t]*[\"']?[^\\s\"'$<{\\-]{6}",
     .extract = SX_TAIL, .charset = CS_VALUE, .min_len = 6, .checks = SC_GENERIC},
    {.id = "curl-basic-auth", .title = "User and password passed to curl", .severity = M,
     .regex = "(?i:curl)[^\\r\\n]{0,200}[ \\t](-u|--user)[ \\t]*[\"']?[^\\s:\"'$]{1,64}:[^\\s\"'$]{4}",
     .extract = SX_TAIL, .charset = CS_VALUE, .min_len = 4},

    /* ---- generic assignments (entropy and placeholder filters) ---- */
    /* the key name is walked back from the keyword by the detector */
    ASG("generic-password", "Password assigned in a file", M,
        "(?i:passwd|password|passphrase|[_.\\-]pwd)" KEYC "{0,20}" SEP VAL(6), CS_VALUE, 6, 256,
        25, SC_GENERIC),
    /* "pass" alone only in lower case ("PASS: TestX" is test output) */
    ASG("generic-password", "Password assigned in a file", M, "pass" SEP VAL(6), CS_VALUE, 6,
        256, 25, GEN),
    ASG("generic-password", "Password assigned in a file", M, "[_.\\-](?i:pass)" SEP VAL(6),
        CS_VALUE, 6, 256, 25, SC_GENERIC),
    {.id = "generic-password", .title = "Password assigned in a file", .severity = M,
     .regex = "<" KEYC "{0,40}(?i:passwd|password|passphrase)" KEYC "{0,20}>[^<\\s]{6}",
     .extract = SX_XML, .charset = CS_VALUE, .min_len = 6, .max_len = 256, .min_entropy10 = 25,
     .checks = SC_GENERIC},
    ASG("generic-secret", "Secret assigned in a file", M,
        "(?i:secret)" KEYC "{0,20}" SEP VAL(8), CS_VALUE, 8, 512, 30, SC_GENERIC),
    {.id = "generic-secret", .title = "Secret assigned in a file", .severity = M,
     .regex = "<" KEYC "{0,40}(?i:secret)" KEYC "{0,20}>[^<\\s]{8}", .extract = SX_XML,
     .charset = CS_VALUE, .min_len = 8, .max_len = 512, .min_entropy10 = 30,
     .checks = SC_GENERIC},
    ASG("generic-api-key", "API key assigned in a file", M,
        "(?i:api|access|auth|app|client|private|master|signing|encryption)[_.\\-]?(?i:key)" KEYC
        "{0,20}" SEP VAL(16), CS_VALUE, 16, 1024, 33, SC_GENERIC),
    ASG("generic-token", "Token assigned in a file", M,
        "(?i:token)" KEYC "{0,20}" SEP VAL(16), CS_VALUE, 16, 2048, 33, SC_GENERIC),
};

const size_t secret_nbuiltin = sizeof(secret_builtin_rules) / sizeof(secret_builtin_rules[0]);

int
secret_tracks_start(const struct secret_rule *r)
{
    return r->extract != SX_TAIL && r->extract != SX_BLOCK && r->extract != SX_FIELD5;
}

int
secret_compile(const struct secret_rule *const *rules, size_t n, int paths, hs_database_t **out,
               long *bad, char *err, size_t errlen)
{
    hs_compile_error_t *cerr = NULL;
    const char **expr = calloc(n ? n : 1, sizeof(*expr));
    unsigned *flags = calloc(n ? n : 1, sizeof(*flags));
    unsigned *ids = calloc(n ? n : 1, sizeof(*ids));
    size_t i, k = 0;
    int rc = -1;

    *out = NULL;
    *bad = -1;
    if (!expr || !flags || !ids) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (i = 0; i < n; i++) {
        const struct secret_rule *r = rules[i];
        if ((r->path_base || r->path_has) != paths)
            continue;
        expr[k] = r->regex;
        flags[k] = r->hs_flags | (secret_tracks_start(r) ? HS_FLAG_SOM_LEFTMOST : 0);
        ids[k] = (unsigned)i;
        k++;
    }
    if (k == 0 && paths) {
        rc = 0;
        goto out;
    }
    if (k == 0) {
        snprintf(err, errlen, "no rules");
        goto out;
    }
    if (hs_compile_multi(expr, flags, ids, (unsigned)k, HS_MODE_STREAM | HS_MODE_SOM_HORIZON_SMALL,
                         NULL, out, &cerr) == HS_SUCCESS) {
        rc = 0;
        goto out;
    }
    *out = NULL;
    if (cerr && cerr->expression >= 0 && (size_t)cerr->expression < k)
        *bad = (long)ids[cerr->expression];
    snprintf(err, errlen, "%s", cerr ? cerr->message : "does not compile");
out:
    if (cerr)
        hs_free_compile_error(cerr);
    free(expr);
    free(flags);
    free(ids);
    return rc;
}

#ifdef MOAT_SECRET_RULES_GEN
/* The build-time generator (see CMakeLists.txt): compiles the built-in
 * rules and writes them serialized as C arrays into argv[1]. */
static int
emit(FILE *f, const char *name, const hs_database_t *db)
{
    char *bytes = NULL;
    size_t len = 0, i;

    if (db && hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
        return -1;
    fprintf(f, "const size_t %s_len = %zu;\nconst unsigned char %s[] = {", name, len, name);
    for (i = 0; i < len; i++)
        fprintf(f, "%s%u,", i % 24 ? "" : "\n", (unsigned char)bytes[i]);
    fprintf(f, "%s0};\n", len ? "\n" : "");
    free(bytes);
    return ferror(f) ? -1 : 0;
}

int
main(int argc, char **argv)
{
    const struct secret_rule **rules = calloc(secret_nbuiltin, sizeof(*rules));
    hs_database_t *general = NULL, *paths = NULL;
    char err[512];
    long bad;
    size_t i;
    FILE *f;

    if (argc != 2 || !rules)
        return 2;
    for (i = 0; i < secret_nbuiltin; i++)
        rules[i] = &secret_builtin_rules[i];
    if (secret_compile(rules, secret_nbuiltin, 0, &general, &bad, err, sizeof(err)) ||
        secret_compile(rules, secret_nbuiltin, 1, &paths, &bad, err, sizeof(err))) {
        fprintf(stderr, "secret rule %s: %s\n", bad >= 0 ? rules[bad]->id : "?", err);
        return 1;
    }
    f = fopen(argv[1], "w");
    if (!f)
        return 1;
    fprintf(f, "/* Generated by moat_secret_rules_gen from lib/detect/secret_rules.c: the\n"
               " * built-in secret rules compiled by Hyperscan %s. Do not edit. */\n"
               "#include <stddef.h>\n\n", hs_version());
    if (emit(f, "secret_db_general", general) || emit(f, "secret_db_paths", paths) ||
        fclose(f) != 0) {
        remove(argv[1]);
        return 1;
    }
    hs_free_database(general);
    hs_free_database(paths);
    free(rules);
    return 0;
}
#endif

/* ---- value checks ---- */

int
secret_in_charset(int cs, unsigned char c)
{
    int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

    switch (cs) {
    case CS_ALNUM:
        return alnum;
    case CS_B64URL:
        return alnum || c == '_' || c == '-';
    case CS_B64:
        return alnum || c == '+' || c == '/' || c == '=';
    case CS_HEX:
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    case CS_UPPER:
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    case CS_TOKEN:
        return alnum || c == '_' || c == '-' || c == '.' || c == '~' || c == '+' || c == '/' ||
               c == '=';
    case CS_JWT:
        return alnum || c == '_' || c == '-' || c == '.' || c == '=';
    case CS_URL64:
        return alnum || c == '+' || c == '/' || c == '=' || c == '%';
    case CS_VALUE:
        return c > ' ' && c != 0x7f && c != '"' && c != '\'' && c != '`' && c != ',' && c != ';';
    default:
        return 0;
    }
}

/* log2(x) in 16.16 fixed point, x >= 1 (the engine does without libm). */
static uint64_t
log2_fx(uint32_t x)
{
    uint64_t y, r;
    int ip = 31 - __builtin_clz(x), i;

    r = (uint64_t)ip << 16;
    y = (uint64_t)x << (31 - ip); /* 1.31 fixed point, in [1, 2) */
    for (i = 15; i >= 0; i--) {
        y = (y * y) >> 31;
        if (y >= (2ULL << 31)) {
            y >>= 1;
            r |= 1ULL << i;
        }
    }
    return r;
}

unsigned
secret_entropy10(const char *s, size_t n)
{
    uint32_t count[256] = {0};
    uint64_t sum = 0, h;
    size_t i;

    if (n < 2)
        return 0;
    if (n > 65536)
        n = 65536; /* the first 64 KiB say enough */
    for (i = 0; i < n; i++)
        count[(unsigned char)s[i]]++;
    for (i = 0; i < 256; i++)
        if (count[i] > 1)
            sum += (uint64_t)count[i] * log2_fx(count[i]);
    /* H = log2(n) - sum(c * log2 c) / n */
    h = log2_fx((uint32_t)n) - sum / n;
    return (unsigned)((h * 10) >> 16);
}

/* Lower-case copy of at most outlen-1 bytes. */
static void
lower_copy(const char *s, size_t n, char *out, size_t outlen)
{
    size_t i;

    if (n >= outlen)
        n = outlen - 1;
    for (i = 0; i < n; i++) {
        char c = s[i];
        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    out[n] = '\0';
}

int
secret_is_placeholder(const char *s, size_t n)
{
    static const char *const parts[] = {
        "example",  "changeme", "change_me", "change-me", "changeit", "placeholder", "dummy",
        "xxxxx",    "*****",    "....",      "your_",     "your-",    "yourpass",    "yourtoken",
        "yoursecret", "${",     "{{",        "}}",        "$(",       "%(",          "#{",
        "<",        ">",        "redacted",  "insert_",   "insert-",  "replace_",    "replace-",
        "replaceme", "fake",    "notreal",   "not_real",  "not-real", "12345678",    "abcdefgh",
        "qwerty",   "0000000000", "1111111111", "aaaaaaaaaa", "zzzzzzzzzz", "lorem",
        "anonymous", "hunter2", "p@ss",    "passw0rd",  "pa55w0rd", "s3cr3t",      "secr3t",
        "mytoken",  "my_token", "my-token", "mypassword", "my_password", "mysecret", "my_secret",
    };
    char low[257];
    size_t i, same = 1;

    if (n == 0)
        return 1;
    lower_copy(s, n, low, sizeof(low));
    for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        if (strstr(low, parts[i]))
            return 1;
    /* a shell or template variable: $VAR, ${VAR}, $(cmd), %VAR% */
    if (s[0] == '$' && n > 1 &&
        ((s[1] >= 'A' && s[1] <= 'Z') || (s[1] >= 'a' && s[1] <= 'z') || s[1] == '_' ||
         s[1] == '{' || s[1] == '('))
        return 1;
    if (n > 2 && s[0] == '%' && s[n - 1] == '%')
        return 1;
    for (i = 1; i < n; i++)
        if (s[i] == s[0])
            same++;
    return same == n;
}

/* Does key (case-insensitive) end with a word that names something about a
 * secret (its file, its length, its hash) rather than the secret itself? */
static int
key_names_metadata(const char *key, size_t keylen)
{
    static const char *const suffixes[] = {
        "hash",    "hashed",  "digest",   "id",       "name",     "file",      "path",
        "dir",     "url",     "uri",      "length",   "len",      "min",       "max",
        "policy",  "regex",   "pattern",  "field",    "label",    "prompt",    "hint",
        "reset",   "expiry",  "expires",  "expiration", "ttl",    "timeout",   "type",
        "mode",    "enabled", "required", "header",   "prefix",   "env",       "var",
        "ref",     "arn",     "version",  "count",    "size",     "format",    "algorithm",
        "algo",    "rounds",  "strength", "chars",    "endpoint", "host",      "port",
        "user",    "username", "command", "cmd",      "helper",   "provider",  "store",
        "manager", "method",  "class",    "source",   "location", "validity",  "lifetime",
        "interval", "limit",  "ids",      "names",    "paths",    "files",     "types",
        "storage", "input",   "param",    "params",   "parameter", "property", "placeholder",
        "message", "msg",     "error",    "text",     "title",    "description", "desc",
        "schema",  "kind",    "generator", "encoding", "hashes",  "regexp",    "policies",
    };
    char low[96];
    size_t i, k;

    if (!key || keylen == 0)
        return 0;
    lower_copy(key, keylen, low, sizeof(low));
    k = strlen(low);
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        size_t sl = strlen(suffixes[i]);
        if (k > sl && memcmp(low + k - sl, suffixes[i], sl) == 0)
            return 1;
    }
    return 0;
}

/* a.b.c made of identifiers: an expression (settings.SECRET_KEY), not a value */
static int
dotted_identifier(const char *s, size_t n)
{
    size_t i;
    int dots = 0, start = 1;

    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.') {
            if (start)
                return 0;
            dots++;
            start = 1;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (!start && c >= '0' && c <= '9')))
            return 0;
        start = 0;
    }
    return dots > 0 && !start;
}

int
secret_generic_ok(const char *key, size_t keylen, const char *s, size_t n)
{
    static const char *const words[] = {"password", "passwd", "secret", "token", "apikey",
                                        "api_key", "api-key", "://", "private"};
    int lower = 0, upper = 0, digit = 0, symbol = 0;
    char low[257];
    size_t i, body = n;

    if (n == 0 || n > 2048)
        return 0;
    if (key_names_metadata(key, keylen))
        return 0;
    while (body > 1 && s[body - 1] == '=')
        body--; /* base64 padding */
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == 0x7f)
            return 0; /* prose, or a value with spaces: a message, not a secret */
        if (strchr("()[]{}<>;\\|:", c))
            return 0; /* code, markup, alternatives ("true|false"), fields */
        if (c == '=' && i < body)
            return 0; /* another assignment ("scmVersion=") */
        if (c >= 'a' && c <= 'z')
            lower = 1;
        else if (c >= 'A' && c <= 'Z')
            upper = 1;
        else if (c >= '0' && c <= '9')
            digit = 1;
        else if (c != '_' && c != '.' && c != '-' && c != '/' && c != '=')
            symbol = 1;
    }
    if (mem_find(s, n, "->", 2))
        return 0;
    if (strchr("/~@&*?-!", s[0]) || s[n - 1] == '?' || (n > 1 && s[0] == '.' && s[1] == '/'))
        return 0; /* a path, a reference, a pointer, an option, a type ("String?") */
    if (dotted_identifier(s, n))
        return 0;
    lower_copy(s, n, low, sizeof(low));
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strstr(low, words[i]))
            return 0;
    if (!digit && !symbol)
        return 0; /* letters only (and _ . - /): an identifier, a word, a path */
    if (!lower && !upper && !symbol && n < 10)
        return 0; /* a short number: a port, a count, a date */
    return 1;
}

void
secret_redact(const char *s, size_t n, char *out, size_t outlen)
{
    char shown[8];
    size_t k = n / 4, i;

    if (k > 4)
        k = 4;
    for (i = 0; i < k; i++) {
        unsigned char c = (unsigned char)s[i];
        shown[i] = (c > ' ' && c < 0x7f) ? (char)c : '?';
    }
    shown[k] = '\0';
    snprintf(out, outlen, "%s**** (%zu chars)", shown, n);
}

int
secret_test_path(const char *path)
{
    static const char *const dirs[] = {
        "test",      "tests",   "testing",   "__tests__", "spec",       "specs",
        "testdata",  "test-data", "test_data", "fixtures", "fixture",   "__fixtures__",
        "__mocks__", "mock",    "mocks",     "example",   "examples",   "sample",
        "samples",   "demo",    "demos",     "doc",       "docs",       "documentation",
    };
    static const char *const marks[] = {".example", ".sample", "example", "_test.", ".test.",
                                        ".spec.", "-test.", "fixture", "dummy"};
    char low[MOAT_LIMIT_PATH + 1];
    const char *p, *base;
    size_t i;

    lower_copy(path, strlen(path), low, sizeof(low));
    p = low;
    while (*p == '/')
        p++;
    base = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
    while (p < base) {
        size_t n = strcspn(p, "/");
        for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
            if (strlen(dirs[i]) == n && memcmp(p, dirs[i], n) == 0)
                return 1;
        p += n + 1;
    }
    for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
        if (strstr(base, marks[i]))
            return 1;
    return str_starts(base, "test_") || str_starts(base, "test.");
}

int
secret_path_match(const char *glob, const char *path)
{
    char abs[MOAT_LIMIT_PATH + 2], anyg[MOAT_LIMIT_PATH + 8];

    while (*path == '/')
        path++;
    if (snprintf(abs, sizeof(abs), "/%s", path) >= (int)sizeof(abs))
        return 0;
    if (glob[0] == '/')
        return fnmatch(glob, abs, 0) == 0;
    if (fnmatch(glob, path, 0) == 0)
        return 1;
    if (snprintf(anyg, sizeof(anyg), "*/%s", glob) >= (int)sizeof(anyg))
        return 0;
    return fnmatch(anyg, abs, 0) == 0;
}

/* ---- configuration ---- */

struct yp {
    yaml_parser_t parser;
    yaml_event_t ev;
    int have;
    const char *name;
    char *err;
    size_t errlen;
};

static unsigned
ev_line(const struct yp *y)
{
    return (unsigned)y->ev.start_mark.line + 1;
}

static int
yp_next(struct yp *y)
{
    if (y->have)
        yaml_event_delete(&y->ev);
    y->have = 0;
    if (!yaml_parser_parse(&y->parser, &y->ev)) {
        snprintf(y->err, y->errlen, "%s:%u: %s", y->name,
                 (unsigned)y->parser.problem_mark.line + 1,
                 y->parser.problem ? y->parser.problem : "malformed YAML");
        return -1;
    }
    y->have = 1;
    if (y->ev.type == YAML_ALIAS_EVENT) {
        snprintf(y->err, y->errlen, "%s:%u: YAML aliases are not supported here", y->name,
                 ev_line(y));
        return -1;
    }
    return 0;
}

static int
yp_fail(struct yp *y, const char *what)
{
    snprintf(y->err, y->errlen, "%s:%u: %s", y->name, ev_line(y), what);
    return -1;
}

static int
is_scalar(const struct yp *y, const char *s)
{
    return y->ev.type == YAML_SCALAR_EVENT && y->ev.data.scalar.length == strlen(s) &&
           memcmp(y->ev.data.scalar.value, s, y->ev.data.scalar.length) == 0;
}

/* Copies the current scalar (checked: a scalar of 1..max bytes without NUL). */
static int
yp_scalar(struct yp *y, const char *what, size_t max, char **out)
{
    size_t n;

    if (y->ev.type != YAML_SCALAR_EVENT) {
        snprintf(y->err, y->errlen, "%s:%u: %s must be a string", y->name, ev_line(y), what);
        return -1;
    }
    n = y->ev.data.scalar.length;
    if (n == 0 || n > max || memchr(y->ev.data.scalar.value, '\0', n)) {
        snprintf(y->err, y->errlen, "%s:%u: %s must be 1 to %zu bytes", y->name, ev_line(y),
                 what, max);
        return -1;
    }
    free(*out);
    *out = strndup((const char *)y->ev.data.scalar.value, n);
    if (!*out) {
        snprintf(y->err, y->errlen, "out of memory");
        return -1;
    }
    return 0;
}

static int
id_ok(const char *s)
{
    size_t i, n = strlen(s);

    if (n == 0 || n > 64)
        return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

/* One allow rule; the current event is its MAPPING_START. */
static int
parse_allow(struct yp *y, struct secret_allow *a)
{
    a->line = ev_line(y);
    for (;;) {
        if (yp_next(y))
            return -1;
        if (y->ev.type == YAML_MAPPING_END_EVENT)
            break;
        if (is_scalar(y, "path")) {
            if (yp_next(y) || yp_scalar(y, "path", MOAT_LIMIT_PATH, &a->path))
                return -1;
        } else if (is_scalar(y, "rule") || is_scalar(y, "id")) {
            if (yp_next(y) || yp_scalar(y, "rule", 64, &a->rule))
                return -1;
            if (!id_ok(a->rule))
                return yp_fail(y, "a rule id is 1-64 letters, digits, '-', '_' or '.'");
        } else if (is_scalar(y, "description")) {
            char *ignored = NULL;
            int r = yp_next(y) || yp_scalar(y, "description", 4096, &ignored);
            free(ignored);
            if (r)
                return -1;
        } else {
            return yp_fail(y, "unknown key in an allow rule (path, rule, description)");
        }
    }
    if (!a->path && !a->rule) {
        snprintf(y->err, y->errlen, "%s:%u: an allow rule needs a path, a rule or both", y->name,
                 a->line);
        return -1;
    }
    return 0;
}

/* One custom rule; the current event is its MAPPING_START. */
static int
parse_custom(struct yp *y, struct secret_custom *r)
{
    static const char *const sev[] = {"critical", "high", "medium", "low"};
    size_t i;

    r->line = ev_line(y);
    for (;;) {
        if (yp_next(y))
            return -1;
        if (y->ev.type == YAML_MAPPING_END_EVENT)
            break;
        if (is_scalar(y, "id")) {
            if (yp_next(y) || yp_scalar(y, "id", 64, &r->id))
                return -1;
            if (!id_ok(r->id))
                return yp_fail(y, "a rule id is 1-64 letters, digits, '-', '_' or '.'");
        } else if (is_scalar(y, "regex")) {
            if (yp_next(y) || yp_scalar(y, "regex", MOAT_LIMIT_SECRET_REGEX, &r->regex))
                return -1;
        } else if (is_scalar(y, "severity")) {
            if (yp_next(y) || yp_scalar(y, "severity", 16, &r->severity))
                return -1;
            str_lower(r->severity);
            for (i = 0; i < sizeof(sev) / sizeof(sev[0]); i++)
                if (strcmp(r->severity, sev[i]) == 0)
                    break;
            if (i == sizeof(sev) / sizeof(sev[0]))
                return yp_fail(y, "severity must be critical, high, medium or low");
        } else if (is_scalar(y, "title") || is_scalar(y, "description")) {
            if (yp_next(y) || yp_scalar(y, "title", 512, &r->title))
                return -1;
        } else {
            return yp_fail(y, "unknown key in a rule (id, regex, severity, title)");
        }
    }
    if (!r->id || !r->regex) {
        snprintf(y->err, y->errlen, "%s:%u: a rule needs an id and a regex", y->name, r->line);
        return -1;
    }
    return 0;
}

/* A list of mappings; the current event is the one after its key. */
static int
parse_list(struct yp *y, struct secret_config *c, int allow)
{
    if (y->ev.type != YAML_SEQUENCE_START_EVENT)
        return yp_fail(y, allow ? "allow-rules must be a list" : "rules must be a list");
    for (;;) {
        if (yp_next(y))
            return -1;
        if (y->ev.type == YAML_SEQUENCE_END_EVENT)
            return 0;
        if (y->ev.type != YAML_MAPPING_START_EVENT)
            return yp_fail(y, "each entry must be a mapping (key: value lines)");
        if (allow) {
            struct secret_allow *na;
            if (c->nallow >= MOAT_LIMIT_SECRET_ALLOW)
                return yp_fail(y, "too many allow rules");
            na = realloc(c->allow, (c->nallow + 1) * sizeof(*na));
            if (!na)
                return yp_fail(y, "out of memory");
            c->allow = na;
            memset(&na[c->nallow], 0, sizeof(*na));
            c->nallow++;
            if (parse_allow(y, &na[c->nallow - 1]))
                return -1;
        } else {
            struct secret_custom *nr;
            if (c->nrules >= MOAT_LIMIT_SECRET_RULES)
                return yp_fail(y, "too many rules");
            nr = realloc(c->rules, (c->nrules + 1) * sizeof(*nr));
            if (!nr)
                return yp_fail(y, "out of memory");
            c->rules = nr;
            memset(&nr[c->nrules], 0, sizeof(*nr));
            c->nrules++;
            if (parse_custom(y, &nr[c->nrules - 1]))
                return -1;
        }
    }
}

static int
parse_doc(struct yp *y, struct secret_config *c)
{
    if (yp_next(y))
        return -1;
    if (y->ev.type != YAML_STREAM_START_EVENT)
        return yp_fail(y, "not a YAML stream");
    if (yp_next(y))
        return -1;
    if (y->ev.type == YAML_STREAM_END_EVENT)
        return 0; /* an empty file: no rules */
    if (y->ev.type != YAML_DOCUMENT_START_EVENT)
        return yp_fail(y, "expected a YAML document");
    if (yp_next(y))
        return -1;
    if (y->ev.type == YAML_SCALAR_EVENT && y->ev.data.scalar.length == 0) {
        /* an empty document */
    } else if (y->ev.type != YAML_MAPPING_START_EVENT) {
        return yp_fail(y, "the configuration must be a mapping (allow-rules:, rules:)");
    } else {
        for (;;) {
            if (yp_next(y))
                return -1;
            if (y->ev.type == YAML_MAPPING_END_EVENT)
                break;
            if (is_scalar(y, "allow-rules") || is_scalar(y, "allow_rules")) {
                if (yp_next(y) || parse_list(y, c, 1))
                    return -1;
            } else if (is_scalar(y, "rules")) {
                if (yp_next(y) || parse_list(y, c, 0))
                    return -1;
            } else {
                return yp_fail(y, "unknown top-level key (allow-rules, rules)");
            }
        }
    }
    if (yp_next(y))
        return -1;
    if (y->ev.type != YAML_DOCUMENT_END_EVENT)
        return yp_fail(y, "expected the end of the document");
    if (yp_next(y))
        return -1;
    if (y->ev.type != YAML_STREAM_END_EVENT)
        return yp_fail(y, "only one YAML document is allowed");
    return 0;
}

int
secret_config_parse(const char *buf, size_t len, const char *name, struct secret_config *out,
                    char *err, size_t errlen)
{
    struct yp y;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&y, 0, sizeof(y));
    y.name = name;
    y.err = err;
    y.errlen = errlen;
    if (len > MOAT_LIMIT_SECRET_CONFIG) {
        snprintf(err, errlen, "%s: larger than %u bytes", name, MOAT_LIMIT_SECRET_CONFIG);
        return -1;
    }
    if (!yaml_parser_initialize(&y.parser)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    yaml_parser_set_input_string(&y.parser, (const unsigned char *)buf, len);
    rc = parse_doc(&y, out);
    if (y.have)
        yaml_event_delete(&y.ev);
    yaml_parser_delete(&y.parser);
    if (rc) {
        secret_config_free(out);
        return -1;
    }
    return 0;
}

void
secret_config_free(struct secret_config *c)
{
    size_t i;

    if (!c)
        return;
    for (i = 0; i < c->nallow; i++) {
        free(c->allow[i].path);
        free(c->allow[i].rule);
    }
    for (i = 0; i < c->nrules; i++) {
        free(c->rules[i].id);
        free(c->rules[i].title);
        free(c->rules[i].severity);
        free(c->rules[i].regex);
    }
    free(c->allow);
    free(c->rules);
    memset(c, 0, sizeof(*c));
}
