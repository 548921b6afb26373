/*
 * eicar.yar - the EICAR anti-virus test file: a harmless 68-byte text file
 * that every anti-virus product detects, so that a pipeline can check that
 * malware detection (and blocking) works without handling real malware.
 *
 * The test file as EICAR defines it: the 68 characters below at the start
 * of the file, optionally followed by whitespace (space, tab, LF, CR,
 * Ctrl-Z) up to 128 bytes in all. Anything else (the string inside a larger
 * file, a document quoting it) is not the test file and is not reported.
 *
 * Conventions of every built-in rule file (see docs/DETECTORS.md, "Malware"):
 * each rule has meta description, severity (critical, high, medium, low) and
 * reference; its plain text strings named $k, $k1, $k2... are its keys, and
 * its condition starts with "any of ($k*) and" (moat hands a file to YARA
 * only when a Hyperscan pre-filter built from all keys finds one, so a rule
 * must not be able to match without a key). A rule for scripts and other
 * text has meta scope = "text" and "not moat_binary" in its condition (a
 * NUL byte in the first 512 bytes makes a file binary, as for grep): its
 * keys are then not looked for in binary files.
 *
 * A big file is scanned in windows, and YARA sees each window as the data
 * (filesize, offsets and uint32(0) are the window's): rules test the file
 * through the external variables moat sets for every scan instead:
 * moat_file_head (the file's first four bytes, little-endian; 0x464c457f
 * for ELF), moat_file_size, moat_window_offset, moat_binary and moat_path.
 */

rule eicar_test_file
{
    meta:
        description = "EICAR anti-virus test file (harmless; used to prove that malware detection works)"
        severity = "high"
        reference = "https://www.eicar.org/download-anti-malware-testfile/"
    strings:
        $k = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    condition:
        $k at 0 and moat_window_offset == 0 and moat_file_size <= 128 and
        (filesize == 68 or
         for all i in (68 .. filesize - 1) : (uint8(i) == 0x20 or uint8(i) == 0x09 or
             uint8(i) == 0x0a or uint8(i) == 0x0d or uint8(i) == 0x1a))
}
