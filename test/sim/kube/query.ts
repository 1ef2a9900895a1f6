// Query parameters as the API server converts them (apimachinery pkg/runtime/conversion.go,
// Convert_Slice_string_To_bool): of a boolean, only absence, "0" and "false" (any case) are
// false; anything else, "True" and the empty string included, is true. The first value counts.
export function queryBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null) return false;
  return !(v === '0' || v.toLowerCase() === 'false');
}
