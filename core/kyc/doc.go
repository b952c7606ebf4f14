// Package kyc holds the rules of identity verification (API.md §3.2): a user's verification
// profile with its level (0 phone verified, 1 national id matched to the phone by the
// mobile-ownership inquiry, 2 identity documents approved by staff), the submission that asks
// for a level, the documents behind level 2, and the per-level caps on buying and selling
// gold.
package kyc
