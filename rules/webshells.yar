/*
 * webshells.yar - web shells: server-side scripts that run whatever an HTTP
 * request tells them to. PHP: eval/assert/system of request parameters
 * ($_GET, $_POST, $_REQUEST, $_COOKIE), possibly through base64_decode and
 * friends; JSP: Runtime.exec or ProcessBuilder fed from
 * request.getParameter. Applications read request parameters all the time;
 * the rules need the parameter to flow straight into code execution.
 * Conventions: see eicar.yar.
 */

rule php_webshell_request_eval
{
    meta:
        description = "PHP web shell: request parameter passed to eval/assert/system (directly or through a decoder)"
        severity = "critical"
        reference = "https://www.php.net/manual/en/function.eval.php ; https://attack.mitre.org/techniques/T1505/003/"
    strings:
        $k1 = "$_POST"
        $k2 = "$_GET"
        $k3 = "$_REQUEST"
        $k4 = "$_COOKIE"
        $k5 = "$_SERVER"
        $eval = /\b(eval|assert|create_function)\s*\(\s*(@\s*)?((base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|strrev|urldecode|rawurldecode|stripslashes|hex2bin|trim)\s*\(\s*){0,4}\$_(POST|GET|REQUEST|COOKIE|SERVER\s*\[\s*['"]HTTP_)/ nocase
        $exec = /\b(system|passthru|shell_exec|exec|popen|proc_open|pcntl_exec)\s*\(\s*(@\s*)?((base64_decode|gzinflate|gzuncompress|str_rot13|strrev|urldecode|rawurldecode|stripslashes|hex2bin|trim)\s*\(\s*){0,4}\$_(POST|GET|REQUEST|COOKIE)\s*\[/ nocase
        $preg = /preg_replace\s*\(\s*['"]\/[^\n'"]{0,100}\/[a-z]{0,5}e[a-z]{0,5}['"]\s*,\s*[^,\n]{0,60}\$_(POST|GET|REQUEST|COOKIE)/ nocase
        $tick = /`\s*\$_(GET|POST|REQUEST|COOKIE)\s*\[[^\]\n]{1,40}\]\s*`/
    condition:
        any of ($k*) and ($eval or $exec or $preg or $tick)
}

rule jsp_webshell_exec_parameter
{
    meta:
        description = "JSP web shell: request parameter executed through Runtime.exec or ProcessBuilder"
        severity = "critical"
        reference = "https://docs.oracle.com/javase/8/docs/api/java/lang/Runtime.html#exec-java.lang.String- ; https://attack.mitre.org/techniques/T1505/003/"
    strings:
        $k = "request.getParameter("
        $direct = /Runtime\.getRuntime\(\)\s*\.exec\(\s*(new\s+String\s*\[\s*\]\s*\{[^}]{0,120})?request\.getParameter\(/
        $pb = /new\s+ProcessBuilder\s*\([^;]{0,160}request\.getParameter\(/
        $jsp = "<%"
        $param = /=\s*request\.getParameter\(\s*"[^"\n]{1,40}"\s*\)/
        $var = /(Runtime\.getRuntime\(\)\s*\.exec|new\s+ProcessBuilder)\s*\(\s*[A-Za-z_][A-Za-z0-9_]{0,40}\s*\)/
    condition:
        any of ($k*) and ($direct or $pb or ($jsp and $param and $var))
}
