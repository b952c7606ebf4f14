// Package iran parses and validates Iranian identifiers: mobile numbers, the national code
// (کد ملی), Sheba account numbers (IBAN), bank card numbers and postal codes (API.md §1.9).
//
// Every parser first passes its input through [core.NormalizeDigits], so Persian and
// Arabic-Indic digits, spaces, commas, ZWNJ and direction marks are accepted, and then also
// drops '-' used as a group separator (as printed on national cards, bank cards and postal
// codes). Each parser returns a value type whose String method gives the canonical form;
// parsing that form again yields the same value. Errors wrap the package's sentinels, which
// all match [core.ErrInvalidInput] under errors.Is.
package iran
