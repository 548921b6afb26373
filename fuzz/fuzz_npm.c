/* fuzz_npm.c - the JSON package metadata parsers: npm package.json,
 * Composer installed.json and .NET deps.json (one input, all three). */
#include "fuzz_common.h"

extern const struct analyzer analyzer_npm;
extern const struct analyzer analyzer_composer;
extern const struct analyzer analyzer_dotnet;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_analyzer(&analyzer_npm, "app/node_modules/@scope/name/package.json", data, size);
    fuzz_analyzer(&analyzer_composer, "var/www/vendor/composer/installed.json", data, size);
    fuzz_analyzer(&analyzer_dotnet, "app/MyApp.deps.json", data, size);
    return 0;
}
