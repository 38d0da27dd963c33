/* SPDX-License-Identifier: MIT */
/*
 * icu-stub.c: ICU's converter entry points as libxml2.a calls them, with no
 * converter behind them.  For STATIC links only (tess in the dom0
 * initramfs): Debian's libxml2.a is built with ICU, and linking the real
 * ICU statically adds some 30 MB of conversion tables for encodings a
 * domain definition never uses (parse.c refuses all but UTF-8 and tells
 * libxml2 to ignore encoding declarations).  libxml2 keeps UTF-8, UTF-16,
 * ISO-8859-1 and ASCII built in; anything else now fails to open, and
 * libxml2 reports the encoding as unsupported.
 *
 * Never link this into a dynamic executable: it would interpose on the real
 * libicu that other libraries loaded there may use.
 *
 * ICU's own header is used so that each name gets ICU's version suffix
 * (ucnv_open_72 ...) and each signature is checked against ICU's.
 */
#include <unicode/ucnv.h>

static void unsupported(UErrorCode *err)
{
	if (err && U_SUCCESS(*err))
		*err = U_FILE_ACCESS_ERROR;     /* as if the converter data were missing */
}

UConverter *ucnv_open(const char *converterName, UErrorCode *err)
{
	(void)converterName;
	unsupported(err);
	return NULL;
}

void ucnv_close(UConverter *converter)
{
	(void)converter;        /* ucnv_open never returned one */
}

void ucnv_convertEx(UConverter *targetCnv, UConverter *sourceCnv, char **target,
		    const char *targetLimit, const char **source, const char *sourceLimit,
		    UChar *pivotStart, UChar **pivotSource, UChar **pivotTarget,
		    const UChar *pivotLimit, UBool reset, UBool flush, UErrorCode *pErrorCode)
{
	(void)targetCnv, (void)sourceCnv, (void)target, (void)targetLimit;
	(void)source, (void)sourceLimit, (void)pivotStart, (void)pivotSource;
	(void)pivotTarget, (void)pivotLimit, (void)reset, (void)flush;
	unsupported(pErrorCode);
}

void ucnv_setToUCallBack(UConverter *converter, UConverterToUCallback newAction,
			 const void *newContext, UConverterToUCallback *oldAction,
			 const void **oldContext, UErrorCode *err)
{
	(void)converter, (void)newAction, (void)newContext, (void)oldAction, (void)oldContext;
	unsupported(err);
}

void ucnv_setFromUCallBack(UConverter *converter, UConverterFromUCallback newAction,
			   const void *newContext, UConverterFromUCallback *oldAction,
			   const void **oldContext, UErrorCode *err)
{
	(void)converter, (void)newAction, (void)newContext, (void)oldAction, (void)oldContext;
	unsupported(err);
}

void UCNV_TO_U_CALLBACK_STOP(const void *context, UConverterToUnicodeArgs *toUArgs,
			     const char *codeUnits, int32_t length,
			     UConverterCallbackReason reason, UErrorCode *err)
{
	(void)context, (void)toUArgs, (void)codeUnits, (void)length, (void)reason, (void)err;
}

void UCNV_FROM_U_CALLBACK_STOP(const void *context, UConverterFromUnicodeArgs *fromUArgs,
			       const UChar *codeUnits, int32_t length, UChar32 codePoint,
			       UConverterCallbackReason reason, UErrorCode *err)
{
	(void)context, (void)fromUArgs, (void)codeUnits, (void)length, (void)codePoint;
	(void)reason, (void)err;
}
