/* Error codes: one table holds every name and description. */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

static const struct {
    int code;
    const char *name;
    const char *description;
} ERRORS[] = {
    {LSM_OK, "LSM_OK", "no error"},
    {LSM_ERR_NOMEM, "LSM_ERR_NOMEM", "out of memory"},
    {LSM_ERR_INVALID_ARGUMENT, "LSM_ERR_INVALID_ARGUMENT", "invalid argument"},
    {LSM_ERR_OUT_OF_RANGE, "LSM_ERR_OUT_OF_RANGE", "index out of range"},
    {LSM_ERR_IO, "LSM_ERR_IO", "input/output error"},
    {LSM_ERR_TOO_LARGE, "LSM_ERR_TOO_LARGE", "count or position does not fit 32 bits"},
    {LSM_ERR_JSON, "LSM_ERR_JSON", "malformed JSON"},
    {LSM_ERR_JSON_DEPTH, "LSM_ERR_JSON_DEPTH", "JSON nested too deeply"},
    {LSM_ERR_INVALID_UTF8, "LSM_ERR_INVALID_UTF8", "invalid UTF-8 in a JSON string"},
    {LSM_ERR_NOT_AN_OBJECT, "LSM_ERR_NOT_AN_OBJECT", "source map is not a JSON object"},
    {LSM_ERR_MISSING_VERSION, "LSM_ERR_MISSING_VERSION", "\"version\" is missing"},
    {LSM_ERR_UNSUPPORTED_VERSION, "LSM_ERR_UNSUPPORTED_VERSION", "unsupported source map version"},
    {LSM_ERR_BAD_FILE, "LSM_ERR_BAD_FILE", "\"file\" is not a string"},
    {LSM_ERR_BAD_SOURCE_ROOT, "LSM_ERR_BAD_SOURCE_ROOT", "\"sourceRoot\" is not a string"},
    {LSM_ERR_BAD_SOURCES, "LSM_ERR_BAD_SOURCES", "\"sources\" is not an array of strings"},
    {LSM_ERR_BAD_SOURCES_CONTENT, "LSM_ERR_BAD_SOURCES_CONTENT",
     "\"sourcesContent\" is not an array of strings"},
    {LSM_ERR_BAD_NAMES, "LSM_ERR_BAD_NAMES", "\"names\" is not an array of strings"},
    {LSM_ERR_BAD_IGNORE_LIST, "LSM_ERR_BAD_IGNORE_LIST", "ignore list is not an array of indices"},
    {LSM_ERR_IGNORE_LIST_OUT_OF_RANGE, "LSM_ERR_IGNORE_LIST_OUT_OF_RANGE",
     "ignore list entry out of range"},
    {LSM_ERR_MISSING_MAPPINGS, "LSM_ERR_MISSING_MAPPINGS", "\"mappings\" is missing"},
    {LSM_ERR_MISSING_SOURCES, "LSM_ERR_MISSING_SOURCES", "\"sources\" is missing"},
    {LSM_ERR_BAD_MAPPINGS, "LSM_ERR_BAD_MAPPINGS", "\"mappings\" is not a string"},
    {LSM_ERR_BAD_DEBUG_ID, "LSM_ERR_BAD_DEBUG_ID", "\"debugId\" is not a string"},
    {LSM_ERR_VLQ_INVALID_DIGIT, "LSM_ERR_VLQ_INVALID_DIGIT", "invalid base64 VLQ digit"},
    {LSM_ERR_VLQ_UNTERMINATED, "LSM_ERR_VLQ_UNTERMINATED", "unterminated VLQ value"},
    {LSM_ERR_VLQ_OVERFLOW, "LSM_ERR_VLQ_OVERFLOW", "VLQ value beyond 32 bits"},
    {LSM_ERR_NEGATIVE_VALUE, "LSM_ERR_NEGATIVE_VALUE", "negative absolute value in mappings"},
    {LSM_ERR_SEGMENT_LENGTH, "LSM_ERR_SEGMENT_LENGTH", "segment without 1, 4 or 5 fields"},
    {LSM_ERR_SOURCE_OUT_OF_RANGE, "LSM_ERR_SOURCE_OUT_OF_RANGE", "source index out of range"},
    {LSM_ERR_NAME_OUT_OF_RANGE, "LSM_ERR_NAME_OUT_OF_RANGE", "name index out of range"},
    {LSM_ERR_BAD_SECTIONS, "LSM_ERR_BAD_SECTIONS", "malformed index map section"},
    {LSM_ERR_BAD_OFFSET, "LSM_ERR_BAD_OFFSET", "malformed section offset"},
    {LSM_ERR_SECTION_ORDER, "LSM_ERR_SECTION_ORDER", "sections out of order or overlapping"},
    {LSM_ERR_SECTION_URL, "LSM_ERR_SECTION_URL", "section refers to its map by URL"},
    {LSM_ERR_NESTED_INDEX, "LSM_ERR_NESTED_INDEX", "index maps nested too deeply"},
    {LSM_ERR_INDEX_AND_MAPPINGS, "LSM_ERR_INDEX_AND_MAPPINGS",
     "index map also has \"mappings\""},
    {LSM_ERR_INDEX_MAP, "LSM_ERR_INDEX_MAP", "index map where a regular map was required"},
    {LSM_ERR_CACHE_MAGIC, "LSM_ERR_CACHE_MAGIC", "not a libsourcemap cache file"},
    {LSM_ERR_CACHE_VERSION, "LSM_ERR_CACHE_VERSION", "unsupported cache format version"},
    {LSM_ERR_CACHE_TRUNCATED, "LSM_ERR_CACHE_TRUNCATED", "cache file truncated"},
    {LSM_ERR_CACHE_CORRUPT, "LSM_ERR_CACHE_CORRUPT", "cache file corrupt"},
    {LSM_ERR_NO_SOURCE, "LSM_ERR_NO_SOURCE", "no such source"},
    {LSM_ERR_BAD_DATA_URL, "LSM_ERR_BAD_DATA_URL", "malformed data: URL"},
    {LSM_ERR_PROGUARD_SYNTAX, "LSM_ERR_PROGUARD_SYNTAX", "malformed ProGuard mapping line"},
    {LSM_ERR_PROGUARD_NUMBER, "LSM_ERR_PROGUARD_NUMBER", "ProGuard line number beyond 32 bits"},
    {LSM_ERR_PROGUARD_UTF8, "LSM_ERR_PROGUARD_UTF8", "invalid UTF-8 in a ProGuard mapping"},
    {LSM_ERR_PROGUARD_NO_CLASSES, "LSM_ERR_PROGUARD_NO_CLASSES",
     "no class in a ProGuard mapping"},
    {LSM_ERR_BAD_SCOPES, "LSM_ERR_BAD_SCOPES", "\"scopes\" or \"ranges\" of the wrong type"},
    {LSM_ERR_SCOPES_VLQ, "LSM_ERR_SCOPES_VLQ", "malformed VLQ in the scopes"},
    {LSM_ERR_SCOPES_ITEM, "LSM_ERR_SCOPES_ITEM", "malformed or misplaced scopes item"},
    {LSM_ERR_SCOPES_UNBALANCED, "LSM_ERR_SCOPES_UNBALANCED", "unbalanced scope or range"},
    {LSM_ERR_SCOPES_SOURCE, "LSM_ERR_SCOPES_SOURCE", "scopes source index out of range"},
    {LSM_ERR_SCOPES_NAME, "LSM_ERR_SCOPES_NAME", "scopes name index out of range"},
    {LSM_ERR_SCOPES_DEFINITION, "LSM_ERR_SCOPES_DEFINITION",
     "bad generated range definition or bindings"},
    {LSM_ERR_CACHE_FRAMES, "LSM_ERR_CACHE_FRAMES", "cache file corrupt in its frame sections"},
    {LSM_ERR_BAD_RANGE_MAPPINGS, "LSM_ERR_BAD_RANGE_MAPPINGS", "\"rangeMappings\" is not a string"},
    {LSM_ERR_RANGE_OUT_OF_RANGE, "LSM_ERR_RANGE_OUT_OF_RANGE",
     "range mapping index past its line's segments"},
    {LSM_ERR_RANGE_NOT_INCREASING, "LSM_ERR_RANGE_NOT_INCREASING",
     "range mapping indices not increasing"},
    {LSM_ERR_RANGE_NO_ORIGINAL, "LSM_ERR_RANGE_NO_ORIGINAL",
     "range mapping on a segment without an original position"},
};

const char *lsm_error_name(int code) {
    for (size_t i = 0; i < sizeof ERRORS / sizeof ERRORS[0]; i++)
        if (ERRORS[i].code == code)
            return ERRORS[i].name;
    return "LSM_ERR_UNKNOWN";
}

const char *lsm_error_describe(int code) {
    for (size_t i = 0; i < sizeof ERRORS / sizeof ERRORS[0]; i++)
        if (ERRORS[i].code == code)
            return ERRORS[i].description;
    return "unknown error";
}

void lsm_clear_error(lsm_error_t *err) {
    if (!err)
        return;
    err->code = LSM_OK;
    err->offset = -1;
    err->line = -1;
    err->segment = -1;
    err->message[0] = 0;
}

int lsm_set_error(lsm_error_t *err, int code, const char *fmt, ...) {
    if (!err)
        return code;
    lsm_clear_error(err);
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

const char *lsm_version(void) {
    return LSM_VERSION_STRING;
}

uint32_t lsm_version_number(void) {
    return LSM_VERSION_NUMBER;
}
