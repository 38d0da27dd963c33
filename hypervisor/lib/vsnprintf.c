/* A small vsnprintf: %s %c %d %i %u %x %X %p %%, with 0-pad, width, l, ll, z. */
#include <tess/lib.h>

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_number(struct out *o, u64 v, unsigned int base, bool upper,
		       bool neg, int width, char pad)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	for (int i = n; i < width; i++)
		out_char(o, pad);
	while (n)
		out_char(o, tmp[--n]);
}

static void out_string(struct out *o, const char *s, int width)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n])
		n++;
	for (int i = n; i < width; i++)
		out_char(o, ' ');
	while (*s)
		out_char(o, *s++);
}

static u64 fetch_unsigned(va_list *ap, int lng)
{
	if (lng >= 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static s64 fetch_signed(va_list *ap, int lng)
{
	if (lng >= 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap0)
{
	struct out o = { buf, size, 0 };
	va_list ap;

	va_copy(ap, ap0);
	for (; *fmt; fmt++) {
		char pad = ' ';
		int width = 0, lng = 0;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z')
			lng++, fmt++;
		switch (*fmt) {
		case 'd':
		case 'i': {
			s64 v = fetch_signed(&ap, lng);

			out_number(&o, v < 0 ? -(u64)v : (u64)v, 10, false, v < 0,
				   width, pad);
			break;
		}
		case 'u':
			out_number(&o, fetch_unsigned(&ap, lng), 10, false, false, width, pad);
			break;
		case 'x':
		case 'X':
			out_number(&o, fetch_unsigned(&ap, lng), 16, *fmt == 'X', false,
				   width, pad);
			break;
		case 'p':
			out_string(&o, "0x", 0);
			out_number(&o, (u64)va_arg(ap, void *), 16, false, false, 0, ' ');
			break;
		case 'c':
			out_char(&o, (char)va_arg(ap, int));
			break;
		case 's':
			out_string(&o, va_arg(ap, const char *), width);
			break;
		case '%':
			out_char(&o, '%');
			break;
		default:
			out_char(&o, '%');
			if (*fmt)
				out_char(&o, *fmt);
			else
				fmt--;
		}
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
