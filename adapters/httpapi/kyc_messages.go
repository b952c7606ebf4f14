package httpapi

// Success messages of the identity verification endpoints, shown to users as they are.
var (
	msgDocumentUploaded      = localized{"مدرک با موفقیت بارگذاری شد", "The document was uploaded."}
	msgKYCSubmitted          = localized{"اطلاعات احراز هویت ثبت شد و در حال بررسی است", "The identity details were submitted and are being reviewed."}
	msgVerificationSubmitted = localized{"درخواست احراز هویت ثبت شد و در حال بررسی است", "The verification request was submitted and is being reviewed."}
	msgKYCApproved           = localized{"احراز هویت کاربر تأیید شد", "The user's identity verification was approved."}
	msgKYCRejected           = localized{"احراز هویت کاربر رد شد", "The user's identity verification was rejected."}
)
