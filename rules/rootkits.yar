/*
 * rootkits.yar - process hiders. The common user-space kind is a shared
 * library listed in /etc/ld.so.preload that defines readdir()/readdir64(),
 * calls the real one through dlsym(RTLD_NEXT, ...) and drops the /proc
 * entries of the processes to hide (libprocesshider, published on GitHub and
 * used by TeamTNT; Kinsing's libsystem.so works the same way). The kernel
 * kind is a loadable module hooking getdents (Diamorphine, also deployed by
 * TeamTNT). Plenty of libraries wrap readdir (fakeroot, sandboxes); the
 * rules need the /proc process-name lookup or the hider's own names.
 * Conventions: see eicar.yar.
 */

rule process_hider_preload_library
{
    meta:
        description = "Process hider: shared library overriding readdir() to hide /proc entries (libprocesshider-like LD_PRELOAD rootkit)"
        severity = "critical"
        reference = "https://github.com/gianlucaborello/libprocesshider ; https://cybersecurity.att.com/blogs/labs-research/teamtnt-delivers-malware-with-new-detection-evasion-tool"
    strings:
        $k1 = "/proc/%s/stat"
        $k2 = "%d (%[^)]s"
        $k3 = "process_to_filter"
        $k4 = "processhider"
        $fd = "/proc/self/fd/%d"
        $dlsym = "\x00dlsym\x00"
        $rd = "\x00readdir\x00"
        $rd64 = "\x00readdir64\x00"
    condition:
        moat_file_head == 0x464c457f and any of ($k*) and $dlsym and ($rd or $rd64) and
        (($fd and ($k1 or $k2)) or $k3 or $k4)
}

rule process_hider_install_script
{
    meta:
        description = "Script that builds a readdir-hooking library and registers it in /etc/ld.so.preload (process hider install)"
        severity = "critical"
        reference = "https://cybersecurity.att.com/blogs/labs-research/teamtnt-delivers-malware-with-new-detection-evasion-tool ; https://man7.org/linux/man-pages/man8/ld.so.8.html (/etc/ld.so.preload)"
        scope = "text"
    strings:
        $k = "ld.so.preload"
        $write = /(echo|printf|cat)\s[^\n]{0,200}>{1,2}\s*['"]?\/etc\/ld\.so\.preload/
        $gcc = /\b(gcc|cc|clang)\s[^\n]{0,200}-shared\b/
        $hook = /\breaddir(64)?\s*\(/
        $dlsym = "dlsym"
        $name = /processhider|process_to_filter/
    condition:
        not moat_binary and $k and $write and ($name or ($gcc and $hook and $dlsym))
}

rule lkm_rootkit_diamorphine
{
    meta:
        description = "Diamorphine kernel-module rootkit (hides processes and files by hooking getdents/kill)"
        severity = "critical"
        reference = "https://github.com/m0nad/Diamorphine ; https://unit42.paloaltonetworks.com/hildegard-malware-teamtnt/"
    strings:
        $k1 = "diamorphine" nocase
        $k2 = "hacked_getdents"
        $s1 = "hacked_kill"
        $s2 = "module_hide"
        $s3 = "give_root"
        $s4 = "hacked_getdents64"
    condition:
        any of ($k*) and
        ((moat_file_head == 0x464c457f and $k1 and 1 of ($s*, $k2)) or ($k2 and 2 of ($s*)))
}
