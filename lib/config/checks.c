/*
 * checks.c - the table of configuration checks (include/moat/checks.h): id,
 * severity, title, rationale, remediation and what each applies to. The
 * checkers in this directory (image.c, dockerfile.c, compose.c,
 * kubernetes.c, daemon.c, host.c) only name ids from here; reports (SARIF
 * rules, docs/CHECKS.md) and policies read the rest from this one place.
 *
 * The table is sorted by id (moat_check_find() searches it by bisection;
 * the unit test keeps it sorted). A Dockerfile check shares its number and
 * its text with the image check it mirrors, so the two cannot drift apart.
 */
#include "moat/checks.h"

#include <stdlib.h>
#include <string.h>

/* ---- text shared by an image check and its Dockerfile twin ---- */

#define ROOT_WHY                                                                          \
    "A process running as root inside a container is root on the host's kernel: a "     \
    "container escape, a writable host mount or a kernel bug then gives full control of " \
    "the host (CIS Docker Benchmark 4.1)."
#define ROOT_FIX                                                                          \
    "Create an unprivileged user in the image and switch to it with USER (a numeric "    \
    "UID such as USER 10001 also lets runAsNonRoot verify it)."
#define API_WHY                                                                           \
    "Ports 2375/2376 are the Docker Engine API. A container offering them is either a "  \
    "Docker daemon or pretends to be one; an unauthenticated Engine API hands the host "  \
    "to anyone who can reach it."
#define API_FIX "Remove EXPOSE 2375/2376; reach a daemon over its unix socket or through SSH."
#define SSH_WHY                                                                           \
    "An SSH server in a container is a second way in that bypasses the orchestrator's "  \
    "access control and audit, and usually carries long-lived keys or passwords."
#define SSH_FIX                                                                           \
    "Remove the SSH server and EXPOSE 22; use `docker exec` or `kubectl exec` to reach "  \
    "a running container."
#define SECRET_WHY                                                                        \
    "Values of ENV, ARG and LABEL are stored in clear in the image config and history: " \
    "anyone who can pull the image can read them (CIS 4.10). This check goes by the "    \
    "variable's name and never quotes its value; the secret scanner (findings of kind "   \
    "\"secret\") reports recognisable credentials wherever they are."
#define SECRET_FIX                                                                        \
    "Pass secrets at run time (orchestrator secrets, mounted files) or at build time "    \
    "with `RUN --mount=type=secret`; never as ENV, ARG or LABEL values."
#define ADD_WHY                                                                           \
    "ADD downloads a URL at build time without verifying what it got: a compromised or "  \
    "spoofed server changes the image silently, and the build is not reproducible (CIS " \
    "4.9)."
#define ADD_FIX                                                                           \
    "Download with curl or wget in a RUN step and verify a pinned checksum or "          \
    "signature, or use ADD --checksum=sha256:..."
#define TAG_WHY                                                                           \
    "`latest` (or no tag, which means latest) names whatever was pushed last: builds "   \
    "and deployments are not reproducible and a rollback may not return to the same "     \
    "image."
#define TAG_FIX "Use an explicit version tag, or better an immutable digest (name@sha256:...)."
#define HEALTH_WHY                                                                        \
    "Without a HEALTHCHECK the engine only knows whether the process is running, not "    \
    "whether it works; a hung service keeps receiving traffic (CIS 4.6)."
#define HEALTH_FIX                                                                        \
    "Add a HEALTHCHECK that exercises the service (or let the orchestrator probe it: "    \
    "Kubernetes liveness/readiness probes)."
#define SUDO_WHY                                                                          \
    "sudo in a container only serves to become root again; any compromise of the "       \
    "unprivileged user then leads to root."
#define SUDO_FIX "Do not install sudo; do privileged steps at build time, before USER."
#define UPDATE_WHY                                                                        \
    "A package index refreshed in one step and used in a later one is cached by the "     \
    "builder: later builds install stale packages from the old index, missing security " \
    "updates (CIS 4.7)."
#define UPDATE_FIX                                                                        \
    "Update and install in the same RUN: `apt-get update && apt-get install -y ... && "   \
    "rm -rf /var/lib/apt/lists/*`, or `apk add --no-cache ...`."
#define PIPE_WHY                                                                          \
    "A script fetched from the network and run at once cannot be reviewed or verified: " \
    "whoever controls the server (or the network path) runs code in the build."
#define PIPE_FIX                                                                          \
    "Download the script to a file, verify a pinned checksum or signature, then run it; " \
    "prefer a distribution package."
#define VOLUME_WHY                                                                        \
    "A volume over /dev, /proc or /sys hides the kernel interfaces the runtime mounts "   \
    "there, or, bound to the host's, exposes the host's devices and kernel settings to "  \
    "the container."
#define VOLUME_FIX "Remove the VOLUME; declare volumes for application data only."

static const struct moat_check table[] = {
    /* ---- docker-compose ---- */
    {"MOAT-CMP-001", "critical", "Service runs privileged",
     "A privileged container has every capability, every device and no seccomp or "
     "AppArmor confinement: root in it is root on the host.",
     "Remove `privileged: true`; add only the capabilities the service needs with cap_add.",
     "compose"},
    {"MOAT-CMP-002", "high", "Service adds a dangerous capability (SYS_ADMIN, NET_ADMIN, ALL)",
     "SYS_ADMIN allows mounting filesystems and most of what root can do; NET_ADMIN "
     "reconfigures networking and sniffs traffic; SYS_PTRACE, SYS_MODULE, SYS_RAWIO, "
     "DAC_READ_SEARCH and BPF each open a known way out; ALL is privileged in all but name.",
     "Drop the capability; if one is truly needed, add that one alone after `cap_drop: [ALL]`.",
     "compose"},
    {"MOAT-CMP-003", "low", "Service does not drop all capabilities",
     "Containers start with a default set of capabilities (NET_RAW, CHOWN, SETUID, ...) "
     "that most services never use and an attacker can.",
     "Add `cap_drop: [ALL]` and add back only what the service needs.", "compose"},
    {"MOAT-CMP-004", "critical", "Service mounts the Docker socket",
     "Whoever can talk to the Docker socket can start a privileged container with the "
     "host's root filesystem mounted: the socket is root on the host.",
     "Do not mount docker.sock; if a tool needs the API, give it a filtering proxy with "
     "read-only access.",
     "compose"},
    {"MOAT-CMP-005", "critical", "Service mounts the host's root filesystem",
     "A bind mount of / gives the container the host's files, including /etc/shadow, "
     "SSH keys and the container runtime's state.",
     "Mount only the directories the service needs, read-only where possible.", "compose"},
    {"MOAT-CMP-006", "medium", "Service shares the host's network namespace",
     "network_mode: host removes network isolation: the service sees every host "
     "interface and can bind or reach host-only ports (databases, metadata services).",
     "Use a bridge or user-defined network and publish only the ports needed.", "compose"},
    {"MOAT-CMP-007", "high", "Service shares the host's PID namespace",
     "pid: host lets the container see and signal every process of the host, read their "
     "environments and, as root, ptrace them.",
     "Remove `pid: host`.", "compose"},
    {"MOAT-CMP-008", "medium", "Service shares the host's IPC namespace",
     "ipc: host exposes the host's shared memory and semaphores to the container.",
     "Remove `ipc: host`; share IPC between services with `ipc: service:NAME` if needed.",
     "compose"},
    {"MOAT-CMP-009", "high", "Service runs without seccomp (seccomp:unconfined)",
     "The default seccomp profile blocks about 50 system calls used in kernel exploits "
     "and container escapes; unconfined removes that layer.",
     "Remove `seccomp:unconfined`, or give a custom profile that allows only what is needed.",
     "compose"},
    {"MOAT-CMP-010", "medium", "Service runs without AppArmor (apparmor:unconfined)",
     "The default AppArmor profile denies writes to /proc and /sys and mounts; "
     "unconfined removes it.",
     "Remove `apparmor:unconfined`, or name a profile of your own.", "compose"},
    {"MOAT-CMP-011", "low", "Service root filesystem is writable (no read_only)",
     "A writable root filesystem lets an intruder modify binaries and drop tools that "
     "survive until the container is recreated.",
     "Set `read_only: true` and give writable tmpfs or volumes only where the service writes.",
     "compose"},
    {"MOAT-CMP-012", "medium", "Service can gain privileges (no no-new-privileges)",
     "Without no-new-privileges a process can gain privileges through setuid binaries "
     "and file capabilities inside the container.",
     "Add `security_opt: [\"no-new-privileges:true\"]`.", "compose"},
    {"MOAT-CMP-013", "medium", "Service sets no user",
     "Without `user:` the service runs as the image's user, which is root for most "
     "images.",
     "Set `user: \"10001:10001\"` (or the unprivileged user the image provides).", "compose"},
    {"MOAT-CMP-014", "low", "Service has no memory limit",
     "A service without a memory limit can exhaust the host's memory and take other "
     "services down with it.",
     "Set `mem_limit` or `deploy.resources.limits.memory`.", "compose"},
    {"MOAT-CMP-015", "low", "Service has no PIDs limit",
     "Without a PIDs limit a fork bomb in one container exhausts the host's process "
     "table.",
     "Set `pids_limit` or `deploy.resources.limits.pids`.", "compose"},

    /* ---- Dockerfile (twins of the image checks) ---- */
    {"MOAT-DF-001", "medium", "Image runs as root (no USER, or USER root/0)", ROOT_WHY, ROOT_FIX,
     "dockerfile"},
    {"MOAT-DF-002", "high", "Dockerfile exposes the Docker API port (2375/2376)", API_WHY,
     API_FIX, "dockerfile"},
    {"MOAT-DF-003", "medium", "Dockerfile exposes SSH (port 22)", SSH_WHY, SSH_FIX,
     "dockerfile"},
    {"MOAT-DF-004", "high", "Credential-like name set in ENV, ARG or LABEL", SECRET_WHY,
     SECRET_FIX, "dockerfile"},
    {"MOAT-DF-005", "medium", "ADD from a remote URL", ADD_WHY, ADD_FIX, "dockerfile"},
    {"MOAT-DF-006", "low", "Base image without a tag or tagged latest", TAG_WHY, TAG_FIX,
     "dockerfile"},
    {"MOAT-DF-007", "low", "No HEALTHCHECK", HEALTH_WHY, HEALTH_FIX, "dockerfile"},
    {"MOAT-DF-008", "medium", "sudo installed", SUDO_WHY, SUDO_FIX, "dockerfile"},
    {"MOAT-DF-012", "low", "Package index updated without installing in the same RUN",
     UPDATE_WHY, UPDATE_FIX, "dockerfile"},
    {"MOAT-DF-013", "high", "Script downloaded and piped into a shell", PIPE_WHY, PIPE_FIX,
     "dockerfile"},
    {"MOAT-DF-014", "high", "VOLUME over /dev, /proc or /sys", VOLUME_WHY, VOLUME_FIX,
     "dockerfile"},

    /* ---- Docker daemon ---- */
    {"MOAT-DMN-001", "critical", "Docker API on a TCP socket without TLS client verification",
     "The Docker Engine API has no authentication of its own: on a TCP socket without "
     "tlsverify, anyone who can reach the port can start a privileged container that "
     "mounts the host's root filesystem, i.e. owns the host. Bound to loopback only, "
     "every local user and every process that can make a request (SSRF) still can.",
     "Remove tcp:// hosts and use the unix socket (or SSH: DOCKER_HOST=ssh://...); if TCP "
     "is required, set \"tlsverify\": true with tlscacert, tlscert and tlskey.",
     "daemon"},
    {"MOAT-DMN-002", "medium", "Insecure registries configured",
     "Images from an insecure registry are pulled over plain HTTP or unverified TLS: "
     "anyone on the network path can substitute them.",
     "Remove insecure-registries; give the registry a certificate the daemon trusts.",
     "daemon"},
    {"MOAT-DMN-003", "low", "User namespace remapping is off (no userns-remap)",
     "Without userns-remap, root in a container is UID 0 on the host; with it, root in a "
     "container maps to an unprivileged host UID (CIS 2.8).",
     "Set \"userns-remap\": \"default\" (check that your volumes' ownership works with it).",
     "daemon"},
    {"MOAT-DMN-004", "low", "Inter-container communication on the default bridge is allowed",
     "With icc enabled (the default) every container on the default bridge can reach "
     "every other one's ports (CIS 2.1).",
     "Set \"icc\": false and connect containers that must talk through user-defined "
     "networks.",
     "daemon"},
    {"MOAT-DMN-005", "low", "no-new-privileges is not the default",
     "Unless containers set it themselves, processes in them can gain privileges through "
     "setuid binaries (CIS 2.18).",
     "Set \"no-new-privileges\": true in daemon.json.", "daemon"},
    {"MOAT-DMN-006", "low", "live-restore is off",
     "Without live-restore, restarting or upgrading the daemon stops every container; "
     "operators then postpone security updates of the daemon (CIS 2.15).",
     "Set \"live-restore\": true.", "daemon"},
    {"MOAT-DMN-007", "low", "Container logs are not rotated (no log-opts max-size)",
     "The default json-file log driver keeps every line forever: one noisy or hostile "
     "container fills the host's disk (CIS 2.13 ff.).",
     "Set \"log-opts\": {\"max-size\": \"10m\", \"max-file\": \"3\"} or use the local "
     "log driver.",
     "daemon"},

    /* ---- the live host ---- */
    {"MOAT-HOST-001", "critical", "Docker socket is writable by every user",
     "Write access to the Docker socket is root on the host; a world-writable socket "
     "gives that to every local user and every compromised service.",
     "Make the socket mode 660, owned by root and the docker group (the packaged "
     "docker.socket unit does this).",
     "host"},
    {"MOAT-HOST-002", "high", "Docker socket belongs to an unexpected group",
     "Every member of the socket's group is root on the host. Only root and the docker "
     "group are expected; another group silently extends that to its members.",
     "Set the socket's group to docker (SocketGroup= in docker.socket) and keep that "
     "group's membership small.",
     "host"},
    {"MOAT-HOST-003", "critical", "Docker API listening on TCP port 2375 (no TLS)",
     "Port 2375 is the Docker API without TLS: anyone who can reach it owns the host.",
     "Stop listening on TCP (remove -H tcp://... and \"hosts\"), or use 2376 with "
     "tlsverify.",
     "host"},
    {"MOAT-HOST-004", "medium", "Docker API listening on TCP port 2376",
     "Port 2376 is the Docker API over TLS; it is only safe when the daemon verifies "
     "client certificates (tlsverify), which cannot be seen from outside.",
     "Check that dockerd runs with --tlsverify and a private CA; prefer the unix socket "
     "or SSH.",
     "host"},
    {"MOAT-HOST-005", "high", "A running container is privileged",
     "A privileged container has every capability and device of the host: root in it "
     "is root on the host.",
     "Recreate the container without --privileged, adding only the capabilities it "
     "needs.",
     "host"},
    {"MOAT-HOST-006", "critical", "A running container mounts the Docker socket",
     "A container with the Docker socket can start other containers with any privilege "
     "and mount: compromise of it is compromise of the host.",
     "Recreate the container without the socket mount; give tools a filtering API proxy.",
     "host"},

    /* ---- image config, history and filesystem ---- */
    {"MOAT-IMG-001", "medium", "Image runs as root (no USER, or USER root/0)", ROOT_WHY,
     ROOT_FIX, "image"},
    {"MOAT-IMG-002", "high", "Image exposes the Docker API port (2375/2376)", API_WHY, API_FIX,
     "image"},
    {"MOAT-IMG-003", "medium", "Image exposes SSH (port 22)", SSH_WHY, SSH_FIX, "image"},
    {"MOAT-IMG-004", "high", "Credential-like name set in ENV, build ARG or LABEL", SECRET_WHY,
     SECRET_FIX, "image"},
    {"MOAT-IMG-005", "medium", "Image history shows ADD from a remote URL", ADD_WHY, ADD_FIX,
     "image"},
    {"MOAT-IMG-006", "low", "Image reference without a tag or tagged latest", TAG_WHY, TAG_FIX,
     "image"},
    {"MOAT-IMG-007", "low", "No HEALTHCHECK", HEALTH_WHY, HEALTH_FIX, "image"},
    {"MOAT-IMG-008", "medium", "sudo installed", SUDO_WHY, SUDO_FIX, "image"},
    {"MOAT-IMG-009", "low", "setuid or setgid file",
     "A setuid/setgid executable runs with its owner's privileges whatever user starts "
     "it; each one is a way from an unprivileged user to root (CIS 4.8). A setuid file "
     "that no package installed is graded high: nobody maintains or patches it.",
     "Remove the setuid/setgid bits in the Dockerfile (`find / -perm /6000 -type f -exec "
     "chmod a-s {} +`) unless the application needs them.",
     "image"},
    {"MOAT-IMG-010", "medium", "World-writable directory without the sticky bit",
     "In a world-writable directory without the sticky bit any user can delete or "
     "replace any other user's files, including executables and configuration.",
     "chmod o-w the directory, or add the sticky bit (chmod +t) if it must be shared "
     "like /tmp.",
     "image"},
    {"MOAT-IMG-011", "low", "Package-manager cache left in the image",
     "Downloaded packages and package indexes make the image bigger and slower to ship, "
     "and reveal stale metadata; none of it is needed at run time.",
     "Clean in the same RUN that installs: `rm -rf /var/lib/apt/lists/*` and `apt-get "
     "clean`, `apk add --no-cache`, `dnf clean all`, `pip install --no-cache-dir`, `npm "
     "cache clean --force`.",
     "image"},
    {"MOAT-IMG-012", "low", "Package index updated without installing in the same RUN",
     UPDATE_WHY, UPDATE_FIX, "image"},
    {"MOAT-IMG-013", "high", "Image history shows a script downloaded and piped into a shell",
     PIPE_WHY, PIPE_FIX, "image"},
    {"MOAT-IMG-014", "high", "VOLUME over /dev, /proc or /sys", VOLUME_WHY, VOLUME_FIX,
     "image"},

    /* ---- Kubernetes ---- */
    {"MOAT-K8S-001", "critical", "Container runs privileged",
     "A privileged container has every capability and host device, without seccomp or "
     "AppArmor confinement: root in it is root on the node.",
     "Remove `securityContext.privileged: true`; add only the needed capabilities.",
     "kubernetes"},
    {"MOAT-K8S-002", "medium", "Container allows privilege escalation",
     "Unless allowPrivilegeEscalation is false, a process can gain privileges through "
     "setuid binaries and file capabilities (it is always true for privileged "
     "containers and those with CAP_SYS_ADMIN).",
     "Set `securityContext.allowPrivilegeEscalation: false`.", "kubernetes"},
    {"MOAT-K8S-003", "medium", "Container may run as root (runAsNonRoot not set)",
     "Without runAsNonRoot: true (or a non-zero runAsUser) the container runs as the "
     "image's user, root for most images, and the kubelet does not check it.",
     "Set `runAsNonRoot: true` (pod or container securityContext) and a non-zero "
     "runAsUser.",
     "kubernetes"},
    {"MOAT-K8S-004", "low", "Container root filesystem is writable",
     "A writable root filesystem lets an intruder replace binaries and persist tools for "
     "the container's lifetime.",
     "Set `securityContext.readOnlyRootFilesystem: true`; mount emptyDir volumes where "
     "the application writes.",
     "kubernetes"},
    {"MOAT-K8S-005", "high", "Container adds a dangerous capability",
     "SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, SYS_RAWIO, DAC_READ_SEARCH, BPF and "
     "the like, or ALL, give the container powers over the node that lead to escapes.",
     "Remove the capability from `capabilities.add`.", "kubernetes"},
    {"MOAT-K8S-006", "low", "Container does not drop all capabilities",
     "The runtime's default capabilities (NET_RAW, CHOWN, SETUID, ...) are unused by "
     "most applications and useful to attackers.",
     "Set `capabilities.drop: [\"ALL\"]` and add back only what is needed.", "kubernetes"},
    {"MOAT-K8S-007", "critical", "Pod mounts the container runtime socket (hostPath)",
     "The Docker or containerd socket controls every container on the node: mounting it "
     "is root on the node.",
     "Remove the hostPath volume; use the Kubernetes API with a narrowly bound service "
     "account instead.",
     "kubernetes"},
    {"MOAT-K8S-008", "critical", "Pod mounts the node's root filesystem (hostPath /)",
     "A hostPath of / exposes every file of the node, including kubelet credentials and "
     "other pods' secrets.",
     "Remove the hostPath volume; use persistent volumes or a narrow read-only hostPath.",
     "kubernetes"},
    {"MOAT-K8S-009", "high", "Pod uses the node's network namespace (hostNetwork)",
     "hostNetwork gives the pod the node's interfaces: it can reach node-local services "
     "(kubelet, metadata endpoints) and sniff traffic, bypassing network policies.",
     "Remove `hostNetwork: true`.", "kubernetes"},
    {"MOAT-K8S-010", "high", "Pod uses the node's PID namespace (hostPID)",
     "hostPID shows every process of the node to the pod, with their environments and, "
     "as root, the means to ptrace them.",
     "Remove `hostPID: true`.", "kubernetes"},
    {"MOAT-K8S-011", "medium", "Pod uses the node's IPC namespace (hostIPC)",
     "hostIPC exposes the node's shared memory and semaphores to the pod.",
     "Remove `hostIPC: true`.", "kubernetes"},
    {"MOAT-K8S-012", "medium", "Seccomp profile unset or Unconfined",
     "Kubernetes runs containers without seccomp unless a profile is set: the kernel's "
     "whole system-call surface is open to exploits.",
     "Set `securityContext.seccompProfile.type: RuntimeDefault` (pod or container).",
     "kubernetes"},
    {"MOAT-K8S-013", "low", "Service account token mounted automatically",
     "Every pod gets a token for its service account unless told otherwise; an intruder "
     "uses it to talk to the Kubernetes API.",
     "Set `automountServiceAccountToken: false` unless the pod calls the API.",
     "kubernetes"},
    {"MOAT-K8S-014", "low", "Image not pinned by digest",
     "A tag can be moved to another image at any time; only a digest names exactly what "
     "was reviewed and scanned.",
     "Reference images as name@sha256:<digest> (tools such as kustomize or crane resolve "
     "them).",
     "kubernetes"},
    {"MOAT-K8S-015", "low", "Container has no CPU or memory limit",
     "A container without limits can starve the node and every other pod on it.",
     "Set `resources.limits.cpu` and `resources.limits.memory`.", "kubernetes"},
};

#define NCHECKS (sizeof(table) / sizeof(table[0]))

static int
cmp_id(const void *key, const void *elem)
{
    return strcmp(key, ((const struct moat_check *)elem)->id);
}

const struct moat_check *
moat_check_find(const char *id)
{
    if (!id)
        return NULL;
    return bsearch(id, table, NCHECKS, sizeof(table[0]), cmp_id);
}

const struct moat_check *
moat_checks(size_t *n)
{
    *n = NCHECKS;
    return table;
}
