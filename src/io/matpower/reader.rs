//! Reads the statements of a case file into raw matrices.
//!
//! A case file is MATLAB code. Rather than evaluate MATLAB, the reader accepts the `mpc.X = value`
//! assignments and the handful of unit-conversion statements MATPOWER's own distribution cases
//! use (see [`super::convert`]), and refuses everything else with its line: code it cannot
//! interpret could change the data, and a network with silently wrong units is worse than no
//! network.

use std::collections::VecDeque;

use super::case::{AtLine, Matrix, RawCase, Row};
use super::convert::Conversions;
use super::lexer::{Kind, Lexer, Token, string_value};
use crate::io::ParseError;

pub(super) fn read(text: &str) -> Result<RawCase, ParseError> {
    let mut reader = Reader {
        lexer: Lexer::new(text),
        ahead: VecDeque::new(),
        case: RawCase::default(),
        conversions: Conversions::default(),
    };
    reader.statements()?;
    Ok(reader.case)
}

struct Reader<'a> {
    lexer: Lexer<'a>,
    ahead: VecDeque<Token<'a>>,
    case: RawCase,
    conversions: Conversions,
}

impl<'a> Reader<'a> {
    fn peek(&mut self, n: usize) -> Result<Token<'a>, ParseError> {
        while self.ahead.len() <= n {
            let token = self.lexer.next_token()?;
            self.ahead.push_back(token);
        }
        Ok(self.ahead[n])
    }

    fn next(&mut self) -> Result<Token<'a>, ParseError> {
        let token = self.peek(0)?;
        self.ahead.pop_front();
        Ok(token)
    }

    /// An error at a token, with its (1-based, in characters) column.
    fn error_at(&self, token: &Token, message: impl Into<String>) -> ParseError {
        let text = self.lexer.text();
        let line_start = text[..token.offset].rfind('\n').map_or(0, |i| i + 1);
        ParseError {
            line: token.line,
            column: Some(text[line_start..token.offset].chars().count() + 1),
            message: message.into(),
        }
    }

    fn statements(&mut self) -> Result<(), ParseError> {
        let mut first = true;
        loop {
            let token = self.peek(0)?;
            if token.kind == Kind::Eof {
                return Ok(());
            }
            if token.ends_statement() {
                self.next()?;
                continue;
            }
            if first && token.is_ident("function") {
                self.function_header()?;
            } else if self.is_field_assignment()? {
                self.field_assignment()?;
            } else {
                self.code_statement()?;
            }
            first = false;
        }
    }

    /// `function mpc = caseX`: the header MATPOWER case files start with.
    fn function_header(&mut self) -> Result<(), ParseError> {
        let form = [self.peek(1)?, self.peek(2)?, self.peek(3)?, self.peek(4)?];
        let ok = form[0].is_ident("mpc")
            && form[1].is("=")
            && form[2].kind == Kind::Ident
            && form[3].ends_statement();
        if !ok {
            return self.code_statement();
        }
        for _ in 0..4 {
            self.next()?;
        }
        Ok(())
    }

    fn is_field_assignment(&mut self) -> Result<bool, ParseError> {
        Ok(self.peek(0)?.is_ident("mpc")
            && self.peek(1)?.is(".")
            && self.peek(2)?.kind == Kind::Ident
            && self.peek(3)?.is("="))
    }

    /// `mpc.field = value;`
    fn field_assignment(&mut self) -> Result<(), ParseError> {
        self.next()?;
        self.next()?;
        let field = self.next()?;
        self.next()?;
        match field.text {
            "version" => self.version()?,
            "baseMVA" => {
                let line = self.peek(0)?.line;
                let value = self.number()?;
                if !(value > 0.0 && value.is_finite()) {
                    return Err(ParseError::at(
                        line,
                        "mpc.baseMVA must be a positive number",
                    ));
                }
                self.case.base_mva = Some(AtLine { line, value });
            }
            "bus" => self.case.bus = Some(self.matrix()?),
            "gen" => self.case.gens = Some(self.matrix()?),
            "branch" => self.case.branch = Some(self.matrix()?),
            "gencost" => self.case.gencost = Some(self.matrix()?),
            "bus_name" => {
                let line = self.peek(0)?.line;
                let value = self.strings()?;
                self.case.bus_names = Some(AtLine { line, value });
            }
            // Descriptive data that does not change the power flow.
            "areas" | "gentype" | "genfuel" => self.skip_value()?,
            name if name.ends_with("_name") => self.skip_value()?,
            "dcline" | "dclinecost" => {
                return Err(self.error_at(
                    &field,
                    format!("mpc.{}: DC lines are not supported", field.text),
                ));
            }
            other => {
                return Err(self.error_at(
                    &field,
                    format!("unknown field mpc.{other}: the importer does not know how it affects the network"),
                ));
            }
        }
        let end = self.peek(0)?;
        if !end.ends_statement() {
            return Err(self.error_at(
                &end,
                format!(
                    "unexpected {} after the value of mpc.{}",
                    described(&end),
                    field.text
                ),
            ));
        }
        Ok(())
    }

    fn version(&mut self) -> Result<(), ParseError> {
        let token = self.next()?;
        let message = match token.kind {
            Kind::Str if string_value(token.text) == "2" => {
                self.case.version_seen = true;
                return Ok(());
            }
            Kind::Str => format!(
                "unsupported MATPOWER case format version {}: only version '2' can be read",
                shown(token.text)
            ),
            _ => format!(
                "mpc.version must be a quoted string ('2'), found {}",
                described(&token)
            ),
        };
        Err(self.error_at(&token, message))
    }

    /// One number, with an optional sign; `Inf` is allowed (limits and ratings use it).
    fn number(&mut self) -> Result<f64, ParseError> {
        let mut token = self.next()?;
        let mut sign = 1.0;
        if token.is("-") || token.is("+") {
            sign = if token.is("-") { -1.0 } else { 1.0 };
            token = self.next()?;
        }
        let value = match token.kind {
            Kind::Number(v) if v.is_finite() => v,
            Kind::Number(_) => {
                let message = format!("the number {} is out of range", token.text);
                return Err(self.error_at(&token, message));
            }
            Kind::Ident if matches!(token.text, "Inf" | "inf") => f64::INFINITY,
            Kind::Ident if matches!(token.text, "NaN" | "nan") => {
                return Err(
                    self.error_at(&token, "NaN is not allowed: every value must be a number")
                );
            }
            _ => {
                let message = format!("expected a number, found {}", described(&token));
                return Err(self.error_at(&token, message));
            }
        };
        Ok(sign * value)
    }

    /// `[ a b c; d e f ]`: rows end at `;` or a line break, values are separated by spaces or
    /// commas.
    fn matrix(&mut self) -> Result<Matrix, ParseError> {
        let open = self.expect_open("[", "a matrix [ … ]")?;
        let mut rows = Vec::new();
        let mut row = Row {
            line: open.line,
            values: Vec::new(),
        };
        loop {
            let token = self.peek(0)?;
            if token.kind == Kind::Eof {
                return Err(never_closed(open.line, "matrix", "]"));
            }
            if token.is(",") {
                self.next()?;
                continue;
            }
            if token.kind == Kind::Newline || token.is(";") || token.is("]") {
                self.next()?;
                if !row.values.is_empty() {
                    let line = token.line;
                    rows.push(std::mem::replace(
                        &mut row,
                        Row {
                            line,
                            values: Vec::new(),
                        },
                    ));
                }
                if token.is("]") {
                    return Ok(Matrix {
                        line: open.line,
                        rows,
                    });
                }
                continue;
            }
            if row.values.is_empty() {
                row.line = token.line;
                if token.kind == Kind::Ident && !matches!(token.text, "Inf" | "inf" | "NaN" | "nan")
                {
                    let message = format!(
                        "expected a number, found {}: is the matrix opened on line {} missing its ']'?",
                        described(&token),
                        open.line
                    );
                    return Err(self.error_at(&token, message));
                }
            }
            row.values.push(self.number()?);
        }
    }

    /// `{ 'a'; 'b' }`: a cell array of strings.
    fn strings(&mut self) -> Result<Vec<String>, ParseError> {
        let open = self.expect_open("{", "a cell array { … } of quoted strings")?;
        let mut strings = Vec::new();
        loop {
            let token = self.next()?;
            match token.kind {
                Kind::Eof => return Err(never_closed(open.line, "cell array", "}")),
                Kind::Str => strings.push(string_value(token.text)),
                _ if token.is("}") => return Ok(strings),
                _ if token.ends_statement() => {}
                _ => {
                    let message = format!("expected a quoted string, found {}", described(&token));
                    return Err(self.error_at(&token, message));
                }
            }
        }
    }

    fn expect_open(&mut self, bracket: &str, what: &str) -> Result<Token<'a>, ParseError> {
        let token = self.next()?;
        if token.is(bracket) {
            Ok(token)
        } else {
            Err(self.error_at(
                &token,
                format!("expected {what}, found {}", described(&token)),
            ))
        }
    }

    /// Skips a value that does not matter for the network, brackets balanced.
    fn skip_value(&mut self) -> Result<(), ParseError> {
        let mut open: Vec<Token> = Vec::new();
        loop {
            let token = self.peek(0)?;
            if token.kind == Kind::Eof {
                return match open.last() {
                    Some(bracket) => Err(never_closed(bracket.line, "bracket", "closing bracket")),
                    None => Ok(()),
                };
            }
            if open.is_empty() && token.ends_statement() {
                return Ok(());
            }
            if token.opens() {
                open.push(token);
            } else if token.closes() && open.pop().is_none() {
                return Err(self.error_at(&token, format!("unexpected '{}'", token.text)));
            }
            self.next()?;
        }
    }

    /// Any statement other than `mpc.X = value`: only MATPOWER's unit conversions are accepted.
    fn code_statement(&mut self) -> Result<(), ParseError> {
        let first = self.peek(0)?;
        let mut compact = String::new();
        let mut end = first.offset;
        let mut depth = 0usize;
        loop {
            let token = self.peek(0)?;
            if token.kind == Kind::Eof || (depth == 0 && token.ends_statement()) {
                break;
            }
            if token.opens() {
                depth += 1;
            } else if token.closes() {
                depth = depth.saturating_sub(1);
            }
            if token.kind != Kind::Newline {
                compact.push_str(token.text);
            }
            end = token.offset + token.text.len();
            self.next()?;
        }
        if let Some(result) = self.conversions.apply(&compact, first.line, &mut self.case) {
            return result;
        }
        let source = &self.lexer.text()[first.offset..end];
        let message = format!(
            "cannot interpret this MATLAB code: `{}` (the importer reads the mpc.* data \
             and MATPOWER's standard unit conversions only)",
            shown(source.lines().next().unwrap_or("").trim())
        );
        Err(self.error_at(&first, message))
    }
}

fn never_closed(line: usize, what: &str, closing: &str) -> ParseError {
    ParseError::at(
        line,
        format!("the {what} opened on this line is never closed with '{closing}'"),
    )
}

/// A token as a message names it.
fn described(token: &Token) -> String {
    match token.kind {
        Kind::Eof => "the end of the file".to_string(),
        Kind::Newline => "the end of the line".to_string(),
        _ => format!("'{}'", shown(token.text)),
    }
}

/// Source text fit for a message: one short line, control characters replaced.
fn shown(text: &str) -> String {
    const MAX_CHARS: usize = 60;
    let mut out: String = text
        .chars()
        .take(MAX_CHARS)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect();
    if text.chars().nth(MAX_CHARS).is_some() {
        out.push('…');
    }
    out
}
