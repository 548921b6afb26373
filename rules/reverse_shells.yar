/*
 * reverse_shells.yar - commands that connect a shell to a remote host (a
 * "reverse shell"), as planted in cron lines, entrypoints, rc files and
 * scripts: bash's /dev/tcp redirection, netcat/ncat with -e, socat exec,
 * named-pipe relays, and the Python, Perl and PHP socket one-liners.
 *
 * Debian itself mentions /dev/tcp (bash), "nc -e" (netcat's manual) and
 * socat's exec: address in documentation and binaries; the rules need the
 * whole construction (an interactive shell wired to a socket) and skip
 * binary files (scope "text"), whose string tables list such words
 * separately (bash, python and perl refuse to run binary files anyway).
 * Conventions: see eicar.yar.
 */

rule reverse_shell_dev_tcp
{
    meta:
        description = "Reverse shell: interactive shell redirected to a /dev/tcp or /dev/udp socket"
        severity = "critical"
        reference = "https://www.gnu.org/software/bash/manual/html_node/Redirections.html (/dev/tcp/host/port)"
        scope = "text"
    strings:
        $k1 = "/dev/tcp/"
        $k2 = "/dev/udp/"
        $i = /\b(ba|z|k|da|a)?sh\s+-i\s*[0-9]{0,3}(>&|&>|<>|>|<)\s*\/dev\/(tcp|udp)\/[A-Za-z0-9.:\-\[\]]{1,255}\/[0-9]{1,5}/
        $in = /\/dev\/(tcp|udp)\/[A-Za-z0-9.:\-\[\]]{1,255}\/[0-9]{1,5}\s+0\s*(>&|<&)\s*1/
        $fd = /\bexec\s+([0-9]{1,3})\s*<>\s*\/dev\/(tcp|udp)\/[A-Za-z0-9.:\-\[\]]{1,255}\/[0-9]{1,5}/
        $fdsh = /\b(ba|z|k|da|a)?sh\s+(-i\s+)?<&\s*[0-9]{1,3}\s*>&\s*[0-9]{1,3}/
        $fdloop = /<&\s*[0-9]{1,3}\s*\|\s*while\s+read\b[^\n]{0,100}(2>&\s*[0-9]{1,3}\s*>&\s*[0-9]{1,3}|>&\s*[0-9]{1,3}\s*2>&\s*[0-9]{1,3})/
    condition:
        not moat_binary and any of ($k*) and ($i or $in or ($fd and ($fdsh or $fdloop)))
}

rule reverse_shell_netcat
{
    meta:
        description = "Reverse shell: netcat/ncat executing a shell for a remote host"
        severity = "critical"
        reference = "https://manpages.debian.org/bookworm/netcat-traditional/nc.traditional.1.en.html (-e); https://nmap.org/ncat/guide/ncat-exec.html"
        scope = "text"
    strings:
        $k1 = "-e /bin/"
        $k2 = "-e /usr/bin/"
        $k3 = "-e sh"
        $k4 = "-e bash"
        $k5 = "-c /bin/"
        $k6 = "-e/bin/"
        $k7 = "--sh-exec"
        $k11 = "--exec "
        $k12 = "--exec="
        $k8 = "mkfifo "
        $k9 = "mknod "
        $k10 = "-e /system/bin/"
        $e1 = /\b(nc|ncat|netcat|nc\.traditional|nc\.openbsd)(\s+-[A-Za-z]{1,4})*\s+[A-Za-z0-9.:\-]{1,255}\s+[0-9]{1,5}(\s+-[A-Za-z]{1,4})*\s+-[ec]\s*['"]?(\/usr|\/system)?(\/bin\/)?(ba|z|k|da|a)?sh\b/
        $e2 = /\b(nc|ncat|netcat|nc\.traditional|nc\.openbsd)(\s+-[A-Za-z]{1,4})*\s+-[ec]\s*['"]?(\/usr|\/system)?(\/bin\/)?(ba|z|k|da|a)?sh['"]?(\s+-[A-Za-z]{1,4})*\s+[A-Za-z0-9.:\-]{1,255}\s+[0-9]{1,5}\b/
        $e3 = /\bncat\s[^\n|;&]{0,160}--(sh-exec|exec)(\s+|=)['"]?(\/usr)?(\/bin\/)?(ba|z|k|da|a)?sh\b/
        $f1 = /mkfifo\s+[^\s;]{1,200}[^\n]{0,160}\|\s*(\/usr)?(\/bin\/)?(ba|z|k|da|a)?sh\s+-i[^\n]{0,80}\|\s*(nc|ncat|netcat|telnet|openssl\s+s_client)\s/
        $f2 = /mknod\s+[^\s;]{1,200}\s+p\b[^\n]{0,160}(ba|z|k|da|a)?sh\s+(-i\s+)?0?<\s*[^\s|]{1,200}\s*\|\s*(nc|ncat|netcat|telnet)\s/
    condition:
        not moat_binary and any of ($k*) and any of ($e*, $f*)
}

rule reverse_shell_socat
{
    meta:
        description = "Reverse shell: socat joining a shell (exec/system address) to a remote TCP/TLS/UDP socket"
        severity = "critical"
        reference = "http://www.dest-unreach.org/socat/doc/socat.html (EXEC, SYSTEM, TCP, OPENSSL addresses)"
        scope = "text"
    strings:
        $k1 = "socat " nocase
        $k2 = "socat\t" nocase
        $a = /socat\s[^\n]{0,200}\b(exec|system):['"]?(\/usr)?(\/bin\/)?(ba|z|k|da|a)?sh\b[^\n]{0,200}\b(tcp|tcp4|tcp6|tcp-connect|openssl|openssl-connect|ssl|udp|udp-connect):[A-Za-z0-9.\-\[\]]{1,255}:[0-9]{1,5}/ nocase
        $b = /socat\s[^\n]{0,200}\b(tcp|tcp4|tcp6|tcp-connect|openssl|openssl-connect|ssl|udp|udp-connect):[A-Za-z0-9.\-\[\]]{1,255}:[0-9]{1,5}[^\n]{0,200}\b(exec|system):['"]?(\/usr)?(\/bin\/)?(ba|z|k|da|a)?sh\b/ nocase
    condition:
        not moat_binary and any of ($k*) and ($a or $b)
}

rule reverse_shell_python
{
    meta:
        description = "Reverse shell: Python connecting a socket and attaching a shell to it (dup2 + pty/subprocess)"
        severity = "critical"
        reference = "https://docs.python.org/3/library/os.html#os.dup2 ; https://docs.python.org/3/library/pty.html#pty.spawn"
        scope = "text"
    strings:
        $k1 = ".fileno()"
        $connect = /\.connect\(\s*\(\s*[^()\n]{1,120},\s*[^()\n]{1,40}\)\s*\)/
        $dup = /dup2\(\s*[A-Za-z_][A-Za-z0-9_.]{0,60}\.fileno\(\)\s*,\s*[0-2]\s*\)/
        $spawn = /(pty\.spawn|subprocess\.(call|Popen|run|check_call|check_output)|os\.(system|popen|exec[lv]p?e?|spawn[lv]p?e?))\s*\(\s*\[?\s*['"](\/usr)?(\/bin\/)?(ba|z|k|da|a)?sh\b/
    condition:
        not moat_binary and any of ($k*) and $connect and $dup and $spawn
}

rule reverse_shell_perl
{
    meta:
        description = "Reverse shell: Perl socket connected and duplicated onto STDIN/STDOUT before running a shell"
        severity = "critical"
        reference = "https://perldoc.perl.org/functions/socket ; https://perldoc.perl.org/functions/open (dup with >&)"
        scope = "text"
    strings:
        $k1 = "open(STDIN"
        $k2 = "open STDIN"
        $k3 = "open (STDIN"
        $k4 = "open(*STDIN"
        $k5 = "STDIN->fdopen("
        $sock = /socket\s*\(\s*\*?[A-Za-z_]{1,40}\s*,\s*(PF_INET6?|AF_INET6?|2)\b/
        $conn = /connect\s*\(\s*\*?[A-Za-z_]{1,40}\s*,\s*(sockaddr_in6?|pack_sockaddr_in6?)\s*\(/
        $dup = /open\s*\(?\s*\*?STD(IN|OUT|ERR)\s*,\s*['"][<>+]?&/
        $exec = /(exec|system)\s*\(?\s*['"](\/usr)?(\/bin\/)?(ba|z|k|da|a)?sh\b/
        $io1 = /IO::Socket::INET(6)?\s*(->new)?\s*\(\s*PeerAddr/
        $io2 = /STDIN->fdopen\(\s*\$[A-Za-z_]{1,40}\s*,\s*['"]?r/
    condition:
        not moat_binary and any of ($k*) and (($sock and $conn and $dup and $exec) or ($io1 and $io2))
}

rule reverse_shell_php
{
    meta:
        description = "Reverse shell: PHP fsockopen() connection handed to a shell (exec/proc_open)"
        severity = "critical"
        reference = "https://www.php.net/manual/en/function.fsockopen.php ; https://www.php.net/manual/en/function.proc-open.php"
        scope = "text"
    strings:
        $k = "fsockopen" nocase
        $exec = /\b(exec|shell_exec|system|passthru|popen)\s*\(\s*['"](\/usr)?(\/bin\/)?(ba|z|k|da|a)?sh\s+-i/ nocase
        $fd = /(ba|z|k|da|a)?sh\s+-i\s*<&\s*[0-9]{1,3}\s*>&\s*[0-9]{1,3}/
        $shelli = /(\/usr)?\/bin\/(ba|z|k|da|a)?sh\s+-i/
        $popen = /\bproc_open\s*\(/ nocase
        $desc = /array\s*\(\s*0\s*=>\s*\$[A-Za-z_]{1,40}\s*,\s*1\s*=>\s*\$[A-Za-z_]{1,40}/ nocase
    condition:
        not moat_binary and $k and ($exec or $fd or ($popen and ($shelli or $desc)))
}
