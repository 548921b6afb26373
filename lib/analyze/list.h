/*
 * list.h - every analyzer, one line each. The order is the order of the
 * finish step: the distro first (PURLs need it), then OS package managers
 * (language packages look up who owns their files), then the rest.
 * To add an analyzer: write lib/analyze/<name>.c defining
 * `const struct analyzer analyzer_<name>` and add ANALYZER(<name>) here.
 */
ANALYZER(os)
ANALYZER(dpkg)
ANALYZER(rpm)
ANALYZER(apk)
ANALYZER(npm)
ANALYZER(python)
ANALYZER(gem)
ANALYZER(composer)
ANALYZER(dotnet)
ANALYZER(gobinary)
ANALYZER(cargo)
ANALYZER(java)
ANALYZER(integrity)
ANALYZER(malware)
ANALYZER(unmanaged)
ANALYZER(persistence)
ANALYZER(secrets)
ANALYZER(config)
