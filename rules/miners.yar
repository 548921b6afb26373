/*
 * miners.yar - cryptocurrency miners planted in images: the XMRig miner
 * (the one Kinsing, TeamTNT and most container-hijacking campaigns run),
 * its JSON configuration, miner command lines and pool credentials.
 *
 * Words such as "stratum" or "pool" alone occur in ordinary documentation;
 * every rule here needs the combination only a configured miner has: a pool
 * URL together with a Monero wallet address, XMRig's own configuration keys
 * together with a pool list, or XMRig's donation-pool host names inside an
 * executable. Monero addresses: 95 base58 characters starting with 4
 * (primary) or 8 (subaddress), second character 0-9, A or B; integrated
 * addresses have 106. Conventions: see eicar.yar.
 */

rule xmrig_miner_binary
{
    meta:
        description = "XMRig cryptocurrency miner executable"
        severity = "high"
        reference = "https://github.com/xmrig/xmrig/blob/master/src/net/strategies/DonateStrategy.cpp (donation pool hosts compiled into every build)"
    strings:
        $k1 = "donate.v2.xmrig.com"
        $k2 = "donate.ssl.xmrig.com"
        $k3 = "--donate-level"
        $s1 = "xmrig" nocase
        $s2 = "randomx" nocase
    condition:
        (moat_file_head == 0x464c457f or (moat_file_head & 0xffff) == 0x5a4d or moat_file_head == 0xfeedfacf) and
        (any of ($k1, $k2) or ($k3 and $s1 and $s2))
}

rule miner_config_xmrig
{
    meta:
        description = "XMRig miner configuration (pool list with mining algorithm or donation settings)"
        severity = "high"
        reference = "https://xmrig.com/docs/miner/config"
        scope = "text"
    strings:
        $k1 = "\"donate-level\""
        $k2 = "\"pools\""
        $pools = /"pools"\s*:\s*\[/
        $url = /"url"\s*:\s*"[^"\n]{3,200}:[0-9]{2,5}"/
        $algo = /"algo"\s*:\s*"(rx\/[0-9a-z]{1,8}|cn[\/\-][0-9a-z\/\-]{1,16}|cn-lite\/[0-9a-z]{1,4}|argon2\/[a-z]{1,16}|kawpow|ghostrider|astrobwt)"/
        $coin = /"coin"\s*:\s*"(monero|xmr|arqma|dero|keva|ravencoin)"/ nocase
        $wallet = /"user"\s*:\s*"[48][0-9AB][1-9A-HJ-NP-Za-km-z]{93}/
    condition:
        not moat_binary and any of ($k*) and $pools and $url and ($k1 or $algo or $coin or $wallet)
}

rule miner_pool_wallet
{
    meta:
        description = "Mining pool URL (stratum) together with a Monero wallet address"
        severity = "high"
        reference = "https://en.bitcoin.it/wiki/Stratum_mining_protocol ; Monero address format: https://docs.getmonero.org/public-address/standard-address/"
    strings:
        $k1 = "stratum+tcp://" nocase
        $k2 = "stratum+ssl://" nocase
        $k3 = "stratum+tls://" nocase
        $k4 = "stratum2+tcp://" nocase
        $after = /stratum2?\+(tcp|ssl|tls):\/\/[^\n]{0,300}[^1-9A-HJ-NP-Za-km-z][48][0-9AB][1-9A-HJ-NP-Za-km-z]{93}/
        $before = /[48][0-9AB][1-9A-HJ-NP-Za-km-z]{93}[^\n]{0,300}stratum2?\+(tcp|ssl|tls):\/\//
        $named = /(wallet|WALLET|Wallet|user|USER|User|-u|-O)['"]?(\s*[=:]\s*|\s+)['"]?[48][0-9AB][1-9A-HJ-NP-Za-km-z]{93}/
    condition:
        any of ($k*) and ($after or $before or $named)
}

rule miner_command_line
{
    meta:
        description = "Crypto-miner command line: pool URL, wallet/user and miner options"
        severity = "high"
        reference = "https://xmrig.com/docs/miner/command-line-options"
        scope = "text"
    strings:
        $k1 = "--donate-level"
        $k2 = "stratum+tcp://" nocase
        $k3 = "stratum+ssl://" nocase
        $k4 = "stratum+tls://" nocase
        $pool = /\s(-o|--url)(\s+|=)['"]?[A-Za-z0-9+.:\/\-]{4,200}:[0-9]{2,5}/
        $user = /\s(-u|--user|-O|--userpass)(\s+|=)['"]?[A-Za-z0-9._:\-]{6,}/
        $opts = /\s(--donate-level|-a|--algo|--coin|-t|--threads|--cpu-priority|--background|-B)[\s=]/
    condition:
        not moat_binary and any of ($k*) and $pool and $user and $opts
}
