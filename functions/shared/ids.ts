/**
 * FHIR id syntax, shared by URL path segments, Bundle entry URLs, `_id` and reference values;
 * `.` and `..` are refused although the R4 pattern allows them: no URL can reach them.
 *
 * @see https://hl7.org/fhir/R4/datatypes.html#id
 */
export const ID_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9\-.]{1,64}$/;

/** A version id as this server assigns them: a positive integer. */
export const VERSION_ID_PATTERN = /^[1-9]\d{0,9}$/;
