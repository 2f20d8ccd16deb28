//! Splits MATPOWER case text into tokens, dropping whitespace, `%` comments and `...`
//! continuations. Only ASCII bytes have meaning; anything else becomes a one-character token that
//! the reader then rejects with its line.

use crate::io::ParseError;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    /// A number literal; infinite when it overflowed (`1e999`).
    Number(f64),
    /// Something that starts like a number but is not one (`12a`, `1.2.3`).
    BadNumber,
    Ident,
    /// A quoted string; its text keeps the quotes (see [`string_value`]).
    Str,
    /// Any other single character: `=`, `;`, `[`, …
    Punct,
    Newline,
    Eof,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Token<'a> {
    pub kind: Kind,
    /// The source text of the token.
    pub text: &'a str,
    /// 1-based line.
    pub line: usize,
    /// Byte offset in the whole text.
    pub offset: usize,
}

impl Token<'_> {
    pub fn is(&self, punct: &str) -> bool {
        self.kind == Kind::Punct && self.text == punct
    }

    pub fn is_ident(&self, name: &str) -> bool {
        self.kind == Kind::Ident && self.text == name
    }

    pub fn opens(&self) -> bool {
        ["[", "{", "("].iter().any(|b| self.is(b))
    }

    pub fn closes(&self) -> bool {
        ["]", "}", ")"].iter().any(|b| self.is(b))
    }

    /// Ends a statement (when outside brackets).
    pub fn ends_statement(&self) -> bool {
        matches!(self.kind, Kind::Newline | Kind::Eof) || self.is(";") || self.is(",")
    }
}

pub(super) struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    /// Where the last value-like token (name, number, string, closing bracket) ended: a quote
    /// right there is MATLAB's transpose operator, not the start of a string.
    value_end: Option<usize>,
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str) -> Self {
        Lexer {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            line: 1,
            value_end: None,
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    pub fn next_token(&mut self) -> Result<Token<'a>, ParseError> {
        self.skip_blanks();
        let (start, line) = (self.pos, self.line);
        let kind = match self.bytes.get(start) {
            None => Kind::Eof,
            Some(b'\n') => {
                self.pos += 1;
                self.line += 1;
                Kind::Newline
            }
            Some(b) if b.is_ascii_digit() => self.number(),
            Some(b'.') if self.peek_at(1).is_some_and(|b| b.is_ascii_digit()) => self.number(),
            Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {
                self.skip_while(is_word_byte);
                Kind::Ident
            }
            Some(b'\'') if self.value_end == Some(start) => {
                self.pos += 1;
                Kind::Punct
            }
            Some(&quote @ (b'\'' | b'"')) => self.string(quote)?,
            Some(_) => {
                // Advance by a whole character so that token slices stay on UTF-8 boundaries.
                self.pos += self.text[start..].chars().next().map_or(1, char::len_utf8);
                Kind::Punct
            }
        };
        let token = Token {
            kind,
            text: &self.text[start..self.pos],
            line,
            offset: start,
        };
        let value_like = matches!(
            kind,
            Kind::Number(_) | Kind::BadNumber | Kind::Ident | Kind::Str
        ) || [")", "]", "}", "'"].iter().any(|p| token.is(p));
        self.value_end = value_like.then_some(self.pos);
        Ok(token)
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn skip_while(&mut self, keep: impl Fn(u8) -> bool) {
        while self.peek_at(0).is_some_and(&keep) {
            self.pos += 1;
        }
    }

    fn at_continuation(&self) -> bool {
        self.bytes[self.pos..].starts_with(b"...")
    }

    /// Skips spaces, comments and continuations (`...` joins the next line; the rest of its line
    /// is a comment in MATLAB).
    fn skip_blanks(&mut self) {
        loop {
            match self.peek_at(0) {
                Some(b' ' | b'\t' | b'\r' | 0x0b | 0x0c) => self.pos += 1,
                Some(b'%') => self.skip_while(|b| b != b'\n'),
                Some(b'.') if self.at_continuation() => {
                    self.skip_while(|b| b != b'\n');
                    if self.peek_at(0).is_some() {
                        self.pos += 1;
                        self.line += 1;
                    }
                }
                _ => return,
            }
        }
    }

    fn number(&mut self) -> Kind {
        let start = self.pos;
        self.skip_while(|b| b.is_ascii_digit());
        if self.peek_at(0) == Some(b'.') && !self.at_continuation() {
            self.pos += 1;
            self.skip_while(|b| b.is_ascii_digit());
        }
        if matches!(self.peek_at(0), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(self.peek_at(1), Some(b'+' | b'-')));
            if self.peek_at(1 + sign).is_some_and(|b| b.is_ascii_digit()) {
                self.pos += 1 + sign;
                self.skip_while(|b| b.is_ascii_digit());
            }
        }
        // Letters or more dots glued to a number (`12a`, `1.2.3`) make the whole run invalid.
        if self
            .peek_at(0)
            .is_some_and(|b| is_word_byte(b) || b == b'.')
            && !self.at_continuation()
        {
            self.skip_while(|b| is_word_byte(b) || b == b'.');
            return Kind::BadNumber;
        }
        self.text[start..self.pos]
            .parse()
            .map_or(Kind::BadNumber, Kind::Number)
    }

    /// A MATLAB string on one line; a doubled quote stands for one quote character.
    fn string(&mut self, quote: u8) -> Result<Kind, ParseError> {
        self.pos += 1;
        loop {
            match self.peek_at(0) {
                None | Some(b'\n') => {
                    return Err(ParseError::at(
                        self.line,
                        "a quoted string is not closed on its line",
                    ));
                }
                Some(b) if b == quote && self.peek_at(1) == Some(quote) => self.pos += 2,
                Some(b) if b == quote => {
                    self.pos += 1;
                    return Ok(Kind::Str);
                }
                Some(_) => self.pos += 1,
            }
        }
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The characters of a [`Kind::Str`] token, quotes removed and doubled quotes undone.
pub(super) fn string_value(token_text: &str) -> String {
    let quote = &token_text[..1];
    let inner = &token_text[1..token_text.len() - 1];
    inner.replace(&quote.repeat(2), quote)
}
