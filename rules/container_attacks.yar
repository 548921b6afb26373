/*
 * container_attacks.yar - indicators of the toolkits that hijack container
 * hosts, written from the facts of public reports (each rule cites its
 * source): Kinsing (Aqua Security, April 2020: a Go binary "kinsing"
 * dropped by a shell script, running the miner "kdevtmpfsi" from /tmp, with
 * a cron entry re-downloading the script) and TeamTNT (Cado Security, August
 * 2020: scripts signed "TeamTNT" that steal ~/.aws/credentials with curl to
 * teamtnt.red, scan for open Docker APIs on port 2375 with masscan, and
 * escape to the host by running a container with / mounted and chroot).
 * Names alone appear in threat-intelligence feeds and security tools'
 * rules, so every rule needs a name together with an action, or an action
 * that has no benign use. Conventions: see eicar.yar.
 */

rule kinsing_malware
{
    meta:
        description = "Kinsing malware: its Go binary or dropper script (names kinsing/kdevtmpfsi with download-and-run or miner control)"
        severity = "critical"
        reference = "https://blog.aquasec.com/threat-alert-kinsing-malware-container-vulnerability"
    strings:
        $k1 = "kdevtmpfsi"
        $k2 = "kinsing"
        $dl = /\b(curl|wget|cd1|wd1|wget1|curl1)\s[^\n]{0,200}\b(kinsing|kdevtmpfsi|d\.sh|spr\.sh|spre\.sh)\b/
        $run = /(chmod\s+(\+x|[0-7]{3,4})|nohup|\.\/)[^\n]{0,100}\b(kinsing|kdevtmpfsi)\b/
        $stop = /\b(pkill|killall|kill\s+-9)\s[^\n]{0,200}\b(kinsing|kdevtmpfsi)\b/
    condition:
        any of ($k*) and
        ((moat_file_head == 0x464c457f and $k1 and $k2) or
         (not moat_binary and ($dl or ($run and $stop))))
}

rule teamtnt_script
{
    meta:
        description = "TeamTNT attack script (signed TeamTNT or using its domain, with credential theft, scanning or miner setup)"
        severity = "critical"
        reference = "https://www.cadosecurity.com/team-tnt-the-first-crypto-mining-worm-to-steal-aws-credentials/"
        scope = "text"
    strings:
        $k1 = "TeamTNT" nocase
        $k2 = "teamtnt.red" nocase
        $act1 = /\b(curl|wget)\s/
        $act2 = /\.aws\/(credentials|config)/
        $act3 = /\bmasscan\b/
        $act4 = /\b(xmrig|stratum\+tcp|donate-level)\b/ nocase
        $act5 = /\bchattr\s+-[ia]{1,2}\b/
        $act6 = /\bdocker\s+(run|exec)\b/
    condition:
        not moat_binary and any of ($k*) and $act1 and 1 of ($act2, $act3, $act4, $act5, $act6)
}

rule cloud_credential_exfiltration
{
    meta:
        description = "Script uploading the AWS credentials file to a remote server (TeamTNT-style credential theft)"
        severity = "critical"
        reference = "https://www.cadosecurity.com/team-tnt-the-first-crypto-mining-worm-to-steal-aws-credentials/"
        scope = "text"
    strings:
        $k1 = ".aws/credentials"
        $up1 = /\bcurl\s[^\n]{0,200}(-F|--form|-T|--upload-file|--data-binary|-d|--data)\s*['"]?[^\s'"]{0,40}@[^\s'"]{0,100}\.aws\/credentials/
        $up2 = /\bcat\s+[^\n|]{0,100}\.aws\/credentials[^\n]{0,60}\|\s*(curl|wget|nc|ncat)\b[^\n]{0,200}(https?:\/\/|[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})/
        $up3 = /\bwget\s[^\n]{0,200}--post-file[ =]['"]?[^\s'"]{0,100}\.aws\/credentials/
    condition:
        not moat_binary and any of ($k*) and ($up1 or $up2 or $up3)
}

rule docker_api_scanner
{
    meta:
        description = "Script scanning networks for exposed Docker APIs (ports 2375/2376) with masscan/zgrab/pnscan"
        severity = "high"
        reference = "https://www.cadosecurity.com/team-tnt-the-first-crypto-mining-worm-to-steal-aws-credentials/ ; https://blog.aquasec.com/threat-alert-kinsing-malware-container-vulnerability"
        scope = "text"
    strings:
        $k1 = "masscan "
        $k2 = "zgrab "
        $k3 = "zgrab2 "
        $k4 = "pnscan "
        $scan = /\b(masscan|zgrab2?|pnscan)\b[^\n]{0,200}(-p\s*|--ports?[ =]|--port[ =]|:)?(2375|2376)\b/
        $api = /(\/v1\.[0-9]{1,2}\/containers|\/containers\/(json|create)|\/version|docker\s+-H\s+(tcp:\/\/)?)/
    condition:
        not moat_binary and any of ($k*) and $scan and $api
}

rule container_escape_host_mount
{
    meta:
        description = "Container escape: starts a container with the host root mounted and chroots into it"
        severity = "high"
        reference = "https://www.cadosecurity.com/team-tnt-the-first-crypto-mining-worm-to-steal-aws-credentials/ ; https://docs.docker.com/engine/storage/bind-mounts/"
        scope = "text"
    strings:
        $k1 = "chroot /mnt"
        $k2 = "chroot /host"
        $k3 = "chroot /hostfs"
        $run = /docker\s+(-H\s+\S{1,200}\s+)?run\s[^\n]{0,300}(-v|--volume)[ =]\/:\/(mnt|host|hostfs)\b[^\n]{0,300}chroot\s+\/(mnt|host|hostfs)\b/
    condition:
        not moat_binary and any of ($k*) and $run
}
