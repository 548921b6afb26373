/* fuzz_python.c - the text package metadata parsers: Python METADATA /
 * PKG-INFO headers and RubyGems specifications (Ruby literal scanning). */
#include "fuzz_common.h"

extern const struct analyzer analyzer_python;
extern const struct analyzer analyzer_gem;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_analyzer(&analyzer_python, "usr/lib/python3/dist-packages/a-1.dist-info/METADATA", data,
                  size);
    fuzz_analyzer(&analyzer_gem,
                  "usr/lib/ruby/gems/3.1.0/specifications/a-1.0-x86_64-linux.gemspec", data, size);
    return 0;
}
