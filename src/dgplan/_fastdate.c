/*
 * dgplan._fastdate: the common era-date forms of a column, read in compiled code.
 *
 * This is an accelerator for dgplan.pandas, never the reference: it settles only the strings
 * that dgplan.pandas' own fast path (the _FAST pattern and the checks after it) settles, with the
 * same day, and leaves every other string (full-width digits, spaces, kanji numerals, weekdays,
 * every error) to the Python path, which is tested against dgplan.parse_date. The tests compare
 * the two paths on generated strings.
 *
 * Forms (no white space, ASCII digits only):
 *   <era><元|d{1,2}>年[(dddd[年])]<d{1,2}>月<d{1,2}>日     令和3年4月1日, 令和3年(2021年)4月1日
 *   <era><元|d{1,2}><sep><d{1,2}><sep><d{1,2}>             R3.4.1, H31/4/30 (one sep of . / -)
 *   dddd<sep><d{1,2}><sep><d{1,2}>                          2021-04-01, 2021/4/1
 *   dddd年<d{1,2}>月<d{1,2}>日                              2021年4月1日
 *   <era letter><dd><dd><dd>                                S501231, r030401 (records' YYMMDD)
 * The era tokens and bounds come from Python (dgplan.era's table), so no era is written here.
 *
 * Kanji numerals (平成三十年十二月一日, 二〇二一年四月一日) are read as dgplan._text.normalize_phrase
 * reads them, but only where that reading is certain: a run of numerals right before 年, 月 or 日
 * (where the Python reader always turns it into digits, by kanji_to_int's rules). A run anywhere
 * else, or one kanji_to_int refuses, leaves the whole string to the Python path.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* Longer strings are none of the forms above: the longest is about 20 characters. */
#define MAX_LENGTH 32
#define MAX_TOKENS 64
#define MAX_TOKEN_LENGTH 8
#define PREFETCH_DISTANCE 8
/* 0001-01-01 and 9999-12-31, as days since 1970-01-01. */
#define MIN_DAY (-719162)
#define MAX_DAY 2932896

/* The value for "not settled here": the Python path reads the string. */
static const int64_t UNSETTLED = INT64_MIN;

typedef struct {
    Py_UCS4 text[MAX_TOKEN_LENGTH];
    Py_ssize_t length;
    int era;
} Token;

typedef struct {
    Token tokens[MAX_TOKENS];
    Py_ssize_t token_count;
    Py_ssize_t era_count;
    int64_t start_year[MAX_TOKENS];
    int64_t first_day[MAX_TOKENS];
    int64_t last_day[MAX_TOKENS];
    int64_t gregorian_day;
    /* 0 when an era token holds a kanji numeral (an era registered as 千和, say): the Python
       reader would turn part of its name into digits, so kanji numerals are left to it. */
    int kanji_numerals;
} EraTable;

/* Days from 1970-01-01 to a proleptic Gregorian date (any year from 1 to 9999). */
static int64_t
days_from_civil(int64_t year, int64_t month, int64_t day)
{
    /* Count from 1 March of year 0 so that the leap day is the last day of its year. */
    if (month <= 2) {
        year -= 1;
    }
    const int64_t era = year / 400; /* year >= 0 here */
    const int64_t year_of_era = year - era * 400;
    const int64_t shifted_month = month > 2 ? month - 3 : month + 9;
    const int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

static int
is_leap(int64_t year)
{
    return (year % 4 == 0) && (year % 100 != 0 || year % 400 == 0);
}

static int64_t
days_in_month(int64_t year, int64_t month)
{
    static const int64_t lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return lengths[month - 1] + (month == 2 && is_leap(year));
}

static int
is_digit(Py_UCS4 c)
{
    return c >= '0' && c <= '9';
}

/* One or two ASCII digits at *pos, greedily; a third digit makes the caller's next token fail,
   as \d{1,2} followed by a non-digit does in the pattern. Returns -1 when there is no digit. */
static int64_t
one_or_two_digits(const Py_UCS4 *s, Py_ssize_t n, Py_ssize_t *pos)
{
    Py_ssize_t p = *pos;
    if (p >= n || !is_digit(s[p])) {
        return -1;
    }
    int64_t value = s[p] - '0';
    p++;
    if (p < n && is_digit(s[p])) {
        value = value * 10 + (s[p] - '0');
        p++;
    }
    *pos = p;
    return value;
}

static int64_t
four_digits(const Py_UCS4 *s, Py_ssize_t n, Py_ssize_t pos)
{
    if (pos + 4 > n) {
        return -1;
    }
    int64_t value = 0;
    for (Py_ssize_t i = pos; i < pos + 4; i++) {
        if (!is_digit(s[i])) {
            return -1;
        }
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

static int
is_separator(Py_UCS4 c)
{
    return c == '.' || c == '/' || c == '-';
}

/* <sep><d{1,2}><sep><d{1,2}> to the end, one separator throughout. */
static int
read_short_month_day(const Py_UCS4 *s, Py_ssize_t n, Py_ssize_t pos, int64_t *month, int64_t *day)
{
    if (pos >= n || !is_separator(s[pos])) {
        return 0;
    }
    const Py_UCS4 separator = s[pos++];
    *month = one_or_two_digits(s, n, &pos);
    if (*month < 0 || pos >= n || s[pos] != separator) {
        return 0;
    }
    pos++;
    *day = one_or_two_digits(s, n, &pos);
    return *day >= 0 && pos == n;
}

/* <d{1,2}>月<d{1,2}>日 to the end. */
static int
read_kanji_month_day(const Py_UCS4 *s, Py_ssize_t n, Py_ssize_t pos, int64_t *month, int64_t *day)
{
    *month = one_or_two_digits(s, n, &pos);
    if (*month < 0 || pos >= n || s[pos] != 0x6708 /* 月 */) {
        return 0;
    }
    pos++;
    *day = one_or_two_digits(s, n, &pos);
    if (*day < 0 || pos >= n || s[pos] != 0x65E5 /* 日 */) {
        return 0;
    }
    return pos + 1 == n;
}

static int
valid_date(int64_t year, int64_t month, int64_t day)
{
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

static int64_t
western_date(const Py_UCS4 *s, Py_ssize_t n)
{
    const int64_t year = four_digits(s, n, 0);
    int64_t month, day;
    if (year < 0 || n < 5) {
        return UNSETTLED;
    }
    int read;
    if (s[4] == 0x5E74 /* 年 */) {
        read = read_kanji_month_day(s, n, 5, &month, &day);
    }
    else {
        read = read_short_month_day(s, n, 4, &month, &day);
    }
    if (!read || !valid_date(year, month, day)) {
        return UNSETTLED;
    }
    return days_from_civil(year, month, day);
}

static int
six_digits(const Py_UCS4 *s)
{
    for (int i = 0; i < 6; i++) {
        if (!is_digit(s[i])) {
            return 0;
        }
    }
    return 1;
}

/* The day of an era date, or UNSETTLED where it is not in its era (or before the Gregorian
   calendar), its bracketed Western year disagrees, or it does not exist: the Python path says why. */
static int64_t
checked_era_day(const EraTable *table, int era, int64_t era_year, int64_t month, int64_t day, int64_t western)
{
    const int64_t year = table->start_year[era] + era_year - 1;
    if ((western >= 0 && western != year) || !valid_date(year, month, day)) {
        return UNSETTLED;
    }
    const int64_t stamp = days_from_civil(year, month, day);
    if (stamp < table->first_day[era] || stamp > table->last_day[era] || stamp < table->gregorian_day) {
        return UNSETTLED;
    }
    return stamp;
}

static int64_t
era_date(const EraTable *table, const Py_UCS4 *s, Py_ssize_t n)
{
    /* Tokens are sorted longest first, so 令和 is tried before 令 (as in the pattern). */
    const Token *token = NULL;
    for (Py_ssize_t t = 0; t < table->token_count; t++) {
        const Token *candidate = &table->tokens[t];
        if (candidate->length <= n
            && memcmp(candidate->text, s, (size_t)candidate->length * sizeof(Py_UCS4)) == 0) {
            token = candidate;
            break;
        }
    }
    if (token == NULL) {
        return UNSETTLED;
    }
    Py_ssize_t pos = token->length;
    int64_t era_year;
    int64_t month, day, western = -1;
    int read;
    if (token->length == 1 && token->text[0] < 0x80 && n == 7 && six_digits(s + 1)) {
        /* S501231: an era letter and YYMMDD, as records store it. Only an ASCII letter: 令030401
           is no form. Seven characters that are not six digits after the letter (R元.5.01) are
           another form, read below. */
        era_year = (s[1] - '0') * 10 + (s[2] - '0');
        month = (s[3] - '0') * 10 + (s[4] - '0');
        day = (s[5] - '0') * 10 + (s[6] - '0');
        if (era_year <= 0) {
            return UNSETTLED;
        }
        return checked_era_day(table, token->era, era_year, month, day, western);
    }
    if (pos < n && s[pos] == 0x5143 /* 元 */) {
        era_year = 1;
        pos++;
    }
    else {
        era_year = one_or_two_digits(s, n, &pos);
        if (era_year <= 0) { /* no digit, or era year 0: the Python path says why */
            return UNSETTLED;
        }
    }
    if (pos < n && s[pos] == 0x5E74 /* 年 */) {
        pos++;
        if (pos < n && s[pos] == '(') {
            western = four_digits(s, n, pos + 1);
            if (western < 0) {
                return UNSETTLED;
            }
            pos += 5;
            if (pos < n && s[pos] == 0x5E74 /* 年 */) {
                pos++;
            }
            if (pos >= n || s[pos] != ')') {
                return UNSETTLED;
            }
            pos++;
        }
        read = read_kanji_month_day(s, n, pos, &month, &day);
    }
    else {
        read = read_short_month_day(s, n, pos, &month, &day);
    }
    if (!read) {
        return UNSETTLED;
    }
    return checked_era_day(table, token->era, era_year, month, day, western);
}

/* The kanji numerals (dgplan._text._KANJI_DIGITS and _KANJI_UNITS) by the low byte of their code
   point, which differs for each of the fourteen: one load and one compare per character, where a
   switch over the characters of a kanji date mispredicted its way to four times the time of an
   ASCII one. value: 0-9 for a digit, 10, 100 or 1000 for a unit. */
typedef struct {
    Py_UCS4 code;
    int16_t value;
} KanjiNumeral;

static KanjiNumeral kanji_table[256];

static void
fill_kanji_table(void)
{
    static const KanjiNumeral numerals[] = {
        {0x3007, 0} /* 〇 */,  {0x96F6, 0} /* 零 */,  {0x4E00, 1} /* 一 */,    {0x4E8C, 2} /* 二 */,
        {0x4E09, 3} /* 三 */,  {0x56DB, 4} /* 四 */,  {0x4E94, 5} /* 五 */,    {0x516D, 6} /* 六 */,
        {0x4E03, 7} /* 七 */,  {0x516B, 8} /* 八 */,  {0x4E5D, 9} /* 九 */,    {0x5341, 10} /* 十 */,
        {0x767E, 100} /* 百 */, {0x5343, 1000} /* 千 */,
    };
    for (size_t i = 0; i < sizeof(numerals) / sizeof(numerals[0]); i++) {
        kanji_table[numerals[i].code & 0xFF] = numerals[i];
    }
}

/* The value of a kanji numeral (0-9, 10, 100, 1000), or -1. Slot 0's code is 0x4E00 (一), and
   no other empty slot's code (0) is a character that reaches here: NUL is ASCII. */
static int
kanji_value(Py_UCS4 c)
{
    const KanjiNumeral entry = kanji_table[c & 0xFF];
    return entry.code == c && c >= 0x80 ? entry.value : -1;
}

static int
is_kanji_numeral(Py_UCS4 c)
{
    return kanji_value(c) >= 0;
}

/* Append the decimal digits of value (0 <= value <= 9999). */
static int
append_decimal(int64_t value, Py_UCS4 *out, Py_ssize_t *length, Py_ssize_t capacity)
{
    char digits[8];
    int count = 0;
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    if (*length + count > capacity) {
        return 0;
    }
    while (count > 0) {
        out[(*length)++] = (Py_UCS4)digits[--count];
    }
    return 1;
}

/* What a string becomes on its way to the date forms: NFKC for the characters that matter here,
   white space dropped, kanji numerals turned into digits as normalize_phrase turns them. Built
   one character at a time by push(), in one pass over the string.

   The Python path reads a string that its pattern does not match again after NFKC with the white
   space taken out: full-width digits, Latin letters, brackets and separators become ASCII and the
   spaces go. Any other character that NFKC would change is kept as it is, so the string fails to
   match here and the Python path reads it.

   Each run of kanji numerals becomes the digits str(kanji_to_int(run)) writes: positional
   numerals (二〇二一) their digits without leading zeros; numerals with units (三十一, 千九百) each
   digit times the unit after it, the units falling strictly, no two digits in a row. Only a run
   right before 年, 月 or 日 is read here (there the Python reader always turns it into digits); a
   run anywhere else, or one kanji_to_int refuses (十十, 二十十, 二三十: the Python reader keeps those
   as kanji, which no date form reads), fails the string, for the Python path. */
typedef struct {
    Py_UCS4 text[MAX_LENGTH];
    Py_ssize_t length;
    int kanji_numerals; /* the table's: 0 when an era's name holds a numeral */
    /* The open run of kanji numerals: where its digits start in text (-1: none), and its reading. */
    Py_ssize_t run_start;
    int has_unit, digits_in_a_row, pending, last_unit;
    int64_t total;
} Reader;

static void
start_reader(Reader *reader, const EraTable *table)
{
    reader->length = 0;
    reader->kanji_numerals = table->kanji_numerals;
    reader->run_start = -1;
}

static int
add_numeral(Reader *reader, int value)
{
    if (!reader->kanji_numerals) {
        return 0;
    }
    if (reader->run_start < 0) {
        reader->run_start = reader->length;
        reader->has_unit = reader->digits_in_a_row = 0;
        reader->pending = -1;
        reader->last_unit = 10000;
        reader->total = 0;
    }
    if (value < 10) {
        /* Kept as its digit: a positional numeral (二〇二一) is its digits. */
        reader->digits_in_a_row |= reader->pending >= 0;
        reader->pending = value;
        if (reader->length >= MAX_LENGTH) {
            return 0;
        }
        reader->text[reader->length++] = (Py_UCS4)('0' + value);
        return 1;
    }
    if (value >= reader->last_unit) {
        return 0; /* 十十, 二十十, 十百 */
    }
    reader->has_unit = 1;
    reader->total += (reader->pending < 0 ? 1 : reader->pending) * value;
    reader->pending = -1;
    reader->last_unit = value;
    return 1;
}

/* The open run ends before next (0 at the end of the string). */
static int
close_run(Reader *reader, Py_UCS4 next)
{
    if (next != 0x5E74 /* 年 */ && next != 0x6708 /* 月 */ && next != 0x65E5 /* 日 */) {
        return 0;
    }
    if (reader->has_unit) {
        if (reader->digits_in_a_row) {
            return 0;
        }
        reader->length = reader->run_start;
        if (!append_decimal(reader->total + (reader->pending < 0 ? 0 : reader->pending), reader->text, &reader->length,
                            MAX_LENGTH)) {
            return 0;
        }
    }
    else {
        Py_ssize_t first = reader->run_start;
        while (first < reader->length - 1 && reader->text[first] == '0') {
            first++;
        }
        if (first > reader->run_start) {
            memmove(reader->text + reader->run_start, reader->text + first,
                    (size_t)(reader->length - first) * sizeof(Py_UCS4));
            reader->length -= first - reader->run_start;
        }
    }
    reader->run_start = -1;
    return 1;
}

static int
push(Reader *reader, Py_UCS4 c)
{
    if (c >= 0x80) {
        if (c == 0x00A0 /* no-break space */ || c == 0x3000 /* ideographic space */) {
            return 1;
        }
        const int value = kanji_value(c);
        if (value >= 0) {
            return add_numeral(reader, value);
        }
        if (c >= 0xFF01 && c <= 0xFF5E) { /* the full-width forms of ASCII ! .. ~ */
            c = c - 0xFF01 + '!';
        }
        /* 年 月 日 元 and the era names are their own NFKC. */
    }
    else if (c == ' ' || c == '\t') {
        return 1;
    }
    if (reader->run_start >= 0 && !close_run(reader, c)) {
        return 0;
    }
    if (reader->length >= MAX_LENGTH) {
        return 0;
    }
    reader->text[reader->length++] = c;
    return 1;
}

/* The day of what the reader holds, or UNSETTLED. */
static int64_t
settle_read(const EraTable *table, const Reader *reader)
{
    if (reader->run_start >= 0 || reader->length < 5) { /* a run at the end: no 年, 月 or 日 after it */
        return UNSETTLED;
    }
    const Py_UCS4 *text = reader->text;
    return is_digit(text[0]) ? western_date(text, reader->length) : era_date(table, text, reader->length);
}

static int64_t
settle(const EraTable *table, PyObject *value)
{
    if (!PyUnicode_Check(value)) {
        return UNSETTLED;
    }
#if PY_VERSION_HEX < 0x030C0000
    /* Before 3.12 a string made by the old C API may not have its canonical form yet. */
    if (PyUnicode_READY(value) < 0) {
        PyErr_Clear();
        return UNSETTLED;
    }
#endif
    const Py_ssize_t n = PyUnicode_GET_LENGTH(value);
    if (n < 5 || n > MAX_LENGTH) {
        return UNSETTLED;
    }
    const int kind = PyUnicode_KIND(value);
    const void *data = PyUnicode_DATA(value);
    Reader reader;
    start_reader(&reader, table);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!push(&reader, PyUnicode_READ(kind, data, i))) {
            return UNSETTLED;
        }
    }
    return settle_read(table, &reader);
}

/* The same reading from UTF-8 bytes: a string of an Arrow array, read in place in its data buffer
   (dgplan.polars), without making a Python string of it. Anything that is not well-formed UTF-8
   (Arrow validates its strings, but a caller may pass any buffer) is left to the Python path. */
static int64_t
settle_utf8(const EraTable *table, const unsigned char *s, Py_ssize_t n)
{
    if (n < 5 || n > MAX_LENGTH * 4) {
        return UNSETTLED;
    }
    Reader reader;
    start_reader(&reader, table);
    Py_ssize_t i = 0;
    while (i < n) {
        const unsigned char lead = s[i];
        Py_UCS4 c;
        int extra;
        if (lead < 0x80) {
            c = lead;
            extra = 0;
        }
        else if ((lead & 0xE0) == 0xC0) {
            c = lead & 0x1F;
            extra = 1;
        }
        else if ((lead & 0xF0) == 0xE0) {
            c = lead & 0x0F;
            extra = 2;
        }
        else if ((lead & 0xF8) == 0xF0) {
            c = lead & 0x07;
            extra = 3;
        }
        else {
            return UNSETTLED;
        }
        if (i + extra >= n) { /* a sequence cut short by the end of the string */
            return UNSETTLED;
        }
        for (int k = 1; k <= extra; k++) {
            const unsigned char next = s[i + k];
            if ((next & 0xC0) != 0x80) {
                return UNSETTLED;
            }
            c = (c << 6) | (Py_UCS4)(next & 0x3F);
        }
        /* An overlong form (an ASCII digit in two bytes) is not UTF-8: the Python path says so. */
        if ((extra == 1 && c < 0x80) || (extra == 2 && c < 0x800) || (extra == 3 && c < 0x10000)) {
            return UNSETTLED;
        }
        i += extra + 1;
        if (!push(&reader, c)) {
            return UNSETTLED;
        }
    }
    return settle_read(table, &reader);
}

static int
int64_item(PyObject *sequence, Py_ssize_t index, int64_t *out)
{
    PyObject *item = PySequence_GetItem(sequence, index);
    if (item == NULL) {
        return 0;
    }
    *out = PyLong_AsLongLong(item);
    Py_DECREF(item);
    return !(*out == -1 && PyErr_Occurred());
}

static int
read_table(PyObject *tokens, PyObject *eras, EraTable *table)
{
    if (!PyTuple_Check(tokens) || !PyTuple_Check(eras)) {
        PyErr_SetString(PyExc_TypeError, "tokens and eras must be tuples");
        return 0;
    }
    table->kanji_numerals = 1;
    table->token_count = PyTuple_GET_SIZE(tokens);
    table->era_count = PyTuple_GET_SIZE(eras);
    if (table->token_count > MAX_TOKENS || table->era_count > MAX_TOKENS) {
        PyErr_SetString(PyExc_ValueError, "too many era tokens or eras");
        return 0;
    }
    for (Py_ssize_t t = 0; t < table->token_count; t++) {
        PyObject *pair = PyTuple_GET_ITEM(tokens, t);
        PyObject *text;
        int era;
        if (!PyTuple_Check(pair)) {
            PyErr_Format(PyExc_TypeError, "era token %zd must be a (text, era index) tuple", t);
            return 0;
        }
        if (!PyArg_ParseTuple(pair, "Ui", &text, &era)) {
            return 0;
        }
        const Py_ssize_t length = PyUnicode_GET_LENGTH(text);
        if (length < 1 || length > MAX_TOKEN_LENGTH || era < 0 || era >= table->era_count) {
            PyErr_Format(PyExc_ValueError, "bad era token %R", pair);
            return 0;
        }
        if (t > 0 && length > table->tokens[t - 1].length) {
            PyErr_SetString(PyExc_ValueError, "era tokens must be sorted longest first");
            return 0;
        }
        for (Py_ssize_t i = 0; i < length; i++) {
            table->tokens[t].text[i] = PyUnicode_READ_CHAR(text, i);
            if (is_kanji_numeral(table->tokens[t].text[i])) {
                table->kanji_numerals = 0;
            }
        }
        table->tokens[t].length = length;
        table->tokens[t].era = era;
    }
    for (Py_ssize_t e = 0; e < table->era_count; e++) {
        PyObject *bounds = PyTuple_GET_ITEM(eras, e);
        if (!PyTuple_Check(bounds) || PyTuple_GET_SIZE(bounds) != 3) {
            PyErr_Format(PyExc_ValueError, "era %zd must be (start year, first day, last day)", e);
            return 0;
        }
        if (!int64_item(bounds, 0, &table->start_year[e]) || !int64_item(bounds, 1, &table->first_day[e])
            || !int64_item(bounds, 2, &table->last_day[e])) {
            return 0;
        }
        /* Years 1-9999 only, so that no sum below can overflow. */
        if (table->start_year[e] < 1 || table->start_year[e] > 9999 || table->first_day[e] < MIN_DAY
            || table->last_day[e] > MAX_DAY || table->first_day[e] > table->last_day[e]) {
            PyErr_Format(PyExc_ValueError, "era %zd: start year or days outside years 1-9999", e);
            return 0;
        }
    }
    return 1;
}

PyDoc_STRVAR(days_doc,
"days(values, tokens, eras, gregorian_day, /) -> bytes\n\n"
"For each value, the day it names (days since 1970-01-01, native int64), or INT64_MIN where\n"
"the value is not one of the common forms or is not settled here. values: a list, or a\n"
"one-dimensional object array; tokens: ((era token, era index), ...) sorted longest first;\n"
"eras: ((start year, first day, last day), ...); gregorian_day: the first day era dates may name.");

static PyObject *
days(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *values, *tokens, *eras;
    long long gregorian_day;
    if (!PyArg_ParseTuple(args, "OOOL:days", &values, &tokens, &eras, &gregorian_day)) {
        return NULL;
    }
    EraTable table;
    if (!read_table(tokens, eras, &table)) {
        return NULL;
    }
    table.gregorian_day = gregorian_day;

    /* An object array exports its element pointers as a buffer of format "O": read them in
       place, with its stride (a slice such as a[::2] is read as it lies). A list or a tuple is read
       as it is. Nothing else is a column: a string would be read as its characters. */
    Py_buffer view;
    int have_view = 0;
    char *first;
    Py_ssize_t stride, count;
    if (PyList_Check(values) || PyTuple_Check(values)) {
        first = (char *)PySequence_Fast_ITEMS(values);
        stride = (Py_ssize_t)sizeof(PyObject *);
        count = PySequence_Fast_GET_SIZE(values);
    }
    else if (PyObject_CheckBuffer(values) && !PyBytes_Check(values) && !PyByteArray_Check(values)
             && PyObject_GetBuffer(values, &view, PyBUF_STRIDES | PyBUF_FORMAT) == 0) {
        have_view = 1;
        if (view.ndim != 1 || view.format == NULL || strcmp(view.format, "O") != 0
            || view.itemsize != (Py_ssize_t)sizeof(PyObject *)) {
            PyBuffer_Release(&view);
            PyErr_SetString(PyExc_TypeError, "values must be a one-dimensional object array, a list or a tuple");
            return NULL;
        }
        first = (char *)view.buf;
        stride = view.strides[0];
        count = view.shape[0];
    }
    else {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "values must be a one-dimensional object array, a list or a tuple, not %.100s",
                     Py_TYPE(values)->tp_name);
        return NULL;
    }

    PyObject *result = PyBytes_FromStringAndSize(NULL, count * (Py_ssize_t)sizeof(int64_t));
    if (result != NULL) {
        int64_t *out = (int64_t *)PyBytes_AS_STRING(result);
        for (Py_ssize_t i = 0; i < count; i++) {
            PyObject *value = *(PyObject **)(first + i * stride);
#if defined(__GNUC__) || defined(__clang__)
            /* A column that repeats values points all over memory; ask for the strings a few
               rows ahead so that reading them overlaps with the work on this one. */
            if (i + PREFETCH_DISTANCE < count) {
                PyObject *ahead = *(PyObject **)(first + (i + PREFETCH_DISTANCE) * stride);
                if (ahead != NULL) {
                    __builtin_prefetch(ahead);
                    __builtin_prefetch((const char *)ahead + 64);
                }
            }
#endif
            /* A NULL slot (an uninitialised object array) is no string. */
            out[i] = value == NULL ? UNSETTLED : settle(&table, value);
        }
    }
    if (have_view) {
        PyBuffer_Release(&view);
    }
    return result;
}

PyDoc_STRVAR(days_utf8_doc,
"days_utf8(offsets, data, tokens, eras, gregorian_day, /) -> bytes\n\n"
"days() for the strings of an Arrow string array, read in its buffers: offsets, a buffer of\n"
"native int64 (n + 1 of them, string i is data[offsets[i]:offsets[i + 1]]); data, the UTF-8 bytes.");

static PyObject *
days_utf8(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *offsets_object, *data_object, *tokens, *eras;
    long long gregorian_day;
    if (!PyArg_ParseTuple(args, "OOOOL:days_utf8", &offsets_object, &data_object, &tokens, &eras, &gregorian_day)) {
        return NULL;
    }
    EraTable table;
    if (!read_table(tokens, eras, &table)) {
        return NULL;
    }
    table.gregorian_day = gregorian_day;
    Py_buffer offsets, data;
    if (PyObject_GetBuffer(offsets_object, &offsets, PyBUF_C_CONTIGUOUS) < 0) {
        return NULL;
    }
    if (PyObject_GetBuffer(data_object, &data, PyBUF_C_CONTIGUOUS) < 0) {
        PyBuffer_Release(&offsets);
        return NULL;
    }
    PyObject *result = NULL;
    const int64_t *bounds = (const int64_t *)offsets.buf;
    const Py_ssize_t count = offsets.len / (Py_ssize_t)sizeof(int64_t) - 1;
    if (offsets.len % (Py_ssize_t)sizeof(int64_t) != 0 || count < 0) {
        PyErr_SetString(PyExc_ValueError, "offsets must hold n + 1 native int64 values");
        goto done;
    }
    /* Offsets that do not rise, or point past the data, would read outside it: refuse them. */
    for (Py_ssize_t i = 0; i < count; i++) {
        if (bounds[i] < 0 || bounds[i] > bounds[i + 1]) {
            PyErr_SetString(PyExc_ValueError, "offsets must rise from 0 or more");
            goto done;
        }
    }
    if (count >= 0 && (bounds[count] > (int64_t)data.len || bounds[0] < 0)) {
        PyErr_SetString(PyExc_ValueError, "offsets point past the end of the data");
        goto done;
    }
    result = PyBytes_FromStringAndSize(NULL, count * (Py_ssize_t)sizeof(int64_t));
    if (result != NULL) {
        int64_t *out = (int64_t *)PyBytes_AS_STRING(result);
        const unsigned char *bytes = (const unsigned char *)data.buf;
        for (Py_ssize_t i = 0; i < count; i++) {
            out[i] = settle_utf8(&table, bytes + bounds[i], (Py_ssize_t)(bounds[i + 1] - bounds[i]));
        }
    }
done:
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&data);
    return result;
}

/* Records' 元号コード dates (3501231; 3-501231 and 3.50.12.31 in the separated form) as the
   number 3501231, or -1: the same shapes as dgplan.pandas._code_number reads. */
static int64_t
code_number(PyObject *value, int separated)
{
    if (PyUnicode_Check(value)) {
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(value) < 0) {
            PyErr_Clear();
            return -1;
        }
#endif
        const Py_ssize_t n = PyUnicode_GET_LENGTH(value);
        const int kind = PyUnicode_KIND(value);
        const void *data = PyUnicode_DATA(value);
        Py_UCS4 text[10];
        Py_ssize_t length = 0;
        if (separated) {
            if (n < 8) {
                return -1;
            }
            const Py_UCS4 separator = PyUnicode_READ(kind, data, 1);
            if (separator != '-' && separator != '.' && separator != '/') {
                return -1;
            }
            if (n == 8) {
                for (Py_ssize_t i = 0; i < 8; i++) {
                    if (i != 1) {
                        text[length++] = PyUnicode_READ(kind, data, i);
                    }
                }
            }
            else if (n == 10 && PyUnicode_READ(kind, data, 4) == separator
                     && PyUnicode_READ(kind, data, 7) == separator) {
                for (Py_ssize_t i = 0; i < 10; i++) {
                    if (i != 1 && i != 4 && i != 7) {
                        text[length++] = PyUnicode_READ(kind, data, i);
                    }
                }
            }
            else {
                return -1;
            }
        }
        else {
            if (n != 7) {
                return -1;
            }
            for (Py_ssize_t i = 0; i < 7; i++) {
                text[length++] = PyUnicode_READ(kind, data, i);
            }
        }
        int64_t number = 0;
        for (Py_ssize_t i = 0; i < 7; i++) {
            if (!is_digit(text[i])) {
                return -1;
            }
            number = number * 10 + (text[i] - '0');
        }
        return number;
    }
    /* Numbers are the unseparated form only; a bool is no number here, as in Python; a float is
       read when it holds a whole number (a CSV's integer column with gaps); numpy's integers are
       left to the Python path, which leaves them to parse_date. */
    if (separated || PyBool_Check(value)) {
        return -1;
    }
    if (PyFloat_Check(value)) {
        const double number = PyFloat_AS_DOUBLE(value);
        return number >= 1000000.0 && number <= 9999999.0 && number == (double)(int64_t)number ? (int64_t)number
                                                                                                : -1;
    }
    if (!PyLong_Check(value)) {
        return -1;
    }
    int overflow = 0;
    const long long number = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (overflow || (number == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        return -1;
    }
    return number >= 1000000 && number <= 9999999 ? number : -1;
}

PyDoc_STRVAR(code_days_doc,
"code_days(values, era_of_code, eras, gregorian_day, separated, /) -> bytes\n\n"
"days() for records' 元号コード dates (format gyymmdd, or g-yymmdd when separated is true):\n"
"era_of_code is a tuple of ten era indexes (or -1), by code 0-9; the other arguments are days()'s.\n"
"Strings and ints only (floats and numpy integers are left to the Python path).");

static PyObject *
code_days(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *values, *codes, *eras;
    long long gregorian_day;
    int separated;
    if (!PyArg_ParseTuple(args, "OO!O!Lp:code_days", &values, &PyTuple_Type, &codes, &PyTuple_Type, &eras,
                          &gregorian_day, &separated)) {
        return NULL;
    }
    EraTable table;
    PyObject *no_tokens = PyTuple_New(0);
    if (no_tokens == NULL) {
        return NULL;
    }
    const int table_read = read_table(no_tokens, eras, &table);
    Py_DECREF(no_tokens);
    if (!table_read) {
        return NULL;
    }
    table.gregorian_day = gregorian_day;
    if (PyTuple_GET_SIZE(codes) != 10) {
        PyErr_SetString(PyExc_ValueError, "era_of_code must hold ten era indexes");
        return NULL;
    }
    int era_of_code[10];
    for (Py_ssize_t c = 0; c < 10; c++) {
        int64_t era;
        if (!int64_item(codes, c, &era)) {
            return NULL;
        }
        if (era < -1 || era >= table.era_count) {
            PyErr_Format(PyExc_ValueError, "era code %zd: no era %lld", c, (long long)era);
            return NULL;
        }
        era_of_code[c] = (int)era;
    }
    /* A contiguous one-dimensional object array (what dgplan.pandas passes) or a list. */
    Py_buffer view;
    int have_view = 0;
    PyObject **items;
    Py_ssize_t count;
    if (PyList_Check(values)) {
        items = PySequence_Fast_ITEMS(values);
        count = PyList_GET_SIZE(values);
    }
    else if (PyObject_CheckBuffer(values) && !PyBytes_Check(values) && !PyByteArray_Check(values)
             && PyObject_GetBuffer(values, &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) == 0) {
        have_view = 1;
        if (view.ndim != 1 || view.format == NULL || strcmp(view.format, "O") != 0
            || view.itemsize != (Py_ssize_t)sizeof(PyObject *)) {
            PyBuffer_Release(&view);
            PyErr_SetString(PyExc_TypeError, "values must be a contiguous one-dimensional object array or a list");
            return NULL;
        }
        items = (PyObject **)view.buf;
        count = view.shape[0];
    }
    else {
        PyErr_Clear();
        PyErr_SetString(PyExc_TypeError, "values must be a contiguous one-dimensional object array or a list");
        return NULL;
    }
    PyObject *result = PyBytes_FromStringAndSize(NULL, count * (Py_ssize_t)sizeof(int64_t));
    if (result != NULL) {
        int64_t *out = (int64_t *)PyBytes_AS_STRING(result);
        for (Py_ssize_t i = 0; i < count; i++) {
            const int64_t number = items[i] == NULL ? -1 : code_number(items[i], separated);
            const int era = number < 0 ? -1 : era_of_code[number / 1000000];
            const int64_t era_year = number / 10000 % 100;
            out[i] = era < 0 || era_year <= 0
                         ? UNSETTLED
                         : checked_era_day(&table, era, era_year, number / 100 % 100, number % 100, -1);
        }
    }
    if (have_view) {
        PyBuffer_Release(&view);
    }
    return result;
}

static PyMethodDef methods[] = {
    {"days", days, METH_VARARGS, days_doc},
    {"days_utf8", days_utf8, METH_VARARGS, days_utf8_doc},
    {"code_days", code_days, METH_VARARGS, code_days_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "dgplan._fastdate",
    "The common era-date forms of a column, read in compiled code (an accelerator for dgplan.pandas).",
    -1,
    methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC
PyInit__fastdate(void)
{
    fill_kanji_table();
    PyObject *created = PyModule_Create(&module);
    if (created == NULL) {
        return NULL;
    }
    PyObject *unsettled = PyLong_FromLongLong(UNSETTLED);
    const int added = unsettled == NULL ? -1 : PyModule_AddObjectRef(created, "UNSETTLED", unsettled);
    Py_XDECREF(unsettled);
    if (added < 0) {
        Py_DECREF(created);
        return NULL;
    }
    return created;
}
