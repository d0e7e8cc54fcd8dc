/**
 * The R4 id syntax, shared by `_id` and reference values.
 *
 * @see https://hl7.org/fhir/R4/datatypes.html#id
 */
export const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;
