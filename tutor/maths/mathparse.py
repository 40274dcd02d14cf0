"""Read typed math into an expression tree, safely: learner text is never evaluated.

    parse("σ(x)(1 − σ(x))")  ->  Binary("*", Call("sigmoid", (x,)), Binary("-", 1, Call(...)))

Three steps, each refusing what it does not understand with a message that
says what was wrong and where:

1. Scan: cap the length, refuse control characters, and cut the text into
   tokens, normalising as we go: − × · ÷ ≤ ≥ ≠ to ASCII, σ and sigma to sigmoid,
   ln to log, ^ and superscripts (x²) to **, `sigmoid'(x)` and `σ′(x)` to the
   derivative of a known function, tanh²(x) to tanh(x)**2, √x to sqrt(x), ½ to
   (1/2), full-width and subscript digits (a₁) and Unicode hyphens to ASCII, { } to brackets, a
   simple argument without brackets to one with them (ln x, cos x², sech^2 x),
   and implicit multiplication between known tokens (2x, 2(x+1), (x+1)(x-1),
   x sigmoid(x)). Unknown names are refused here, with a suggestion; a name is
   split into letters only when every letter is a one-letter variable of the
   quiz (wx is w·x when w and x are variables), never as SymPy's implicit
   multiplication does. Notation that reads two ways (e^2x, 1/2x) is refused
   with both readings, so that the learner adds brackets rather than being judged wrong.
2. ast.parse(mode="eval") of the rebuilt text, which is made only of those
   tokens: numbers, known names, operators and brackets.
3. Walk the syntax tree, accepting only whitelisted nodes: numbers (at most
   1e6), the variables, e and pi, known functions with their fixed number of
   arguments, unary + and −, + − * / **, and comparisons (read as 0/1
   indicators). Depth is bounded, and so is a constant exponent (|p| <= 100),
   so 9**9**9**9 is refused before anything is computed. Values are floats
   computed by NumPy on the tree: nothing makes a huge integer.

`e` is Euler's number: e^x and e**x become exp(x). A number with an exponent
part is read as scientific notation (2e-3 is 0.002); 2e^x is 2·e^x.
"""
from __future__ import annotations

import ast
import functools
import keyword
import math
import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from tutor.maths.expr import (
    COMPARISONS, FUNCTIONS, GREEK_VARIABLES, Binary, Call, Comparison, Constant, Expr, Negate, Number, Variable,
)

__all__ = ["parse", "ParseError", "Expr", "MAX_LENGTH"]

MAX_LENGTH = 500  # characters of learner text
MAX_NUMBER = 1e6  # largest literal
MAX_EXPONENT = 100  # largest |p| of a constant exponent
MAX_NESTING = 30  # brackets inside brackets
MAX_DEPTH = 100  # levels of the expression tree


class ParseError(ValueError):
    """Text that is not an expression the tutor understands; the message says why and where.

    `position` is the 0-based index in the learner's text of the problem (None when
    it is the whole text) and `length` how many characters it spans.
    """

    def __init__(self, message: str, position: int | None = None, length: int = 1):
        super().__init__(message)
        self.position = position
        self.length = length


# ------------------------------------------------------------------ vocabulary

FUNCTION_ALIASES = {"sigma": "sigmoid", "ln": "log", "sgn": "sign", "step": "heaviside"}
CONSTANT_NAMES = ("e", "pi")
_PRIME_PREFIX = "_prime_"  # sigmoid'(x) is rebuilt as _prime_sigmoid(x): no learner can type it

# One character that stands for an operator, a name or a bracket.
_SYMBOLS = {
    "−": "-", "–": "-", "‐": "-", "‑": "-", "‒": "-", "﹣": "-",  # minus, en dash, hyphens
    "×": "*", "·": "*", "⋅": "*", "∗": "*", "÷": "/", "∕": "/",
    "^": "**", "≤": "<=", "≥": ">=", "≠": "!=",
}
# η and λ are variables a quiz names "eta" and "lam" (a learning rate, a curvature).
_GREEK = {"σ": "sigmoid", "π": "pi", "η": "eta", "λ": "lam"}
_PRIMES = "'′’ʹ"
_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6",
                 "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-"}
# ½ ⅓ ¼ … read as (1/2), (1/3), (1/4): numerator and denominator of each vulgar fraction.
_VULGAR = {ch: Fraction(unicodedata.numeric(ch)).limit_denominator(20).as_integer_ratio()
           for ch in "½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅐⅛⅜⅝⅞⅑⅒"}
# Full-width forms (２ｘ＋１, typed with an East Asian input method) to ASCII, one for one.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
# Subscript digits to digits, one for one: a₁ is the variable a1, as a prompt writes it.
_SUBSCRIPT_DIGITS = {ord("₀") + k: ord("0") + k for k in range(10)}
_BRACKETS = {"(": ")", "[": "]", "{": "}"}
_NUMBER = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = ("**", "<=", ">=", "==", "!=", "+", "-", "*", "/", "<", ">")
_BINARY_ONLY = {"*", "/", "**", "<", "<=", ">", ">=", "==", "!="}
_AST_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_AST_COMPARISONS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
                    ast.NotEq: "!="}


@dataclass(frozen=True, slots=True)
class Token:
    """A piece of the normalised text: `kind` is one of
    num, name (a variable or constant), func, op, open, close, comma, prime, sup, root.
    `text` is what it contributes to the rebuilt Python text; `pos` where it starts in the
    learner's text, `span` how many characters it covers there."""

    kind: str
    text: str
    pos: int
    span: int = 1


# ------------------------------------------------------------------ public

def parse(text: str, variables: tuple[str, ...] | list[str] = ("x",)) -> Expr:
    """The expression tree of `text` in the given variables; ParseError if it is not one."""
    if not isinstance(text, str):
        raise ParseError(f"an answer is text, not {type(text).__name__}")
    return _parse(text, _check_variables(variables))


@functools.lru_cache(maxsize=512)
def _parse(text: str, variables: tuple[str, ...]) -> Expr:
    tokens = _rewrite(_scan(text, variables), variables)
    source, starts = _rebuild(tokens)
    try:
        syntax = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise _syntax_error(error, tokens, starts) from None
    except (RecursionError, MemoryError, ValueError):
        raise ParseError("this expression is too complicated to read") from None
    return _build(syntax.body, variables, 1)


def _check_variables(variables) -> tuple[str, ...]:
    variables = tuple(variables)
    for name in variables:
        if not (isinstance(name, str) and _WORD.fullmatch(name)) or keyword.iskeyword(name):
            raise ParseError(f"variable {name!r} must be a name like x or z")
        taken = name.lower() in CONSTANT_NAMES or name.lower() in FUNCTIONS or name.lower() in FUNCTION_ALIASES
        if taken or name.startswith("_"):
            raise ParseError(f"variable `{name}` would clash with a known name; choose another")
    if not variables:
        raise ParseError("an expression needs at least one variable name")
    return variables


# ------------------------------------------------------------------ 1. scan

def _scan(text: str, variables: tuple[str, ...]) -> list[Token]:
    """Cut the text into tokens, normalising notation; refuse what cannot be math."""
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the answer is too long ({len(text):,} characters; the limit is {MAX_LENGTH})")
    if not text.strip():
        raise ParseError("the answer is empty: type an expression in " + _list(variables))
    text = text.translate(_FULL_WIDTH).translate(_SUBSCRIPT_DIGITS)
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "\t\n\r" or ch.isspace():
            i += 1
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            raise ParseError(f"invisible or control character U+{ord(ch):04X} at position {i + 1}: "
                             "type the expression again without it", i)
        if number := _NUMBER.match(text, i):
            tokens.append(Token("num", _number_text(number.group(), i), i, number.end() - i))
            i = number.end()
        elif word := _WORD.match(text, i):
            tokens += _word(word.group(), i, variables, text[word.end():word.end() + 2])
            i = word.end()
        elif ch in _VULGAR:
            if tokens and tokens[-1].kind == "num" and tokens[-1].pos + tokens[-1].span == i:
                raise ParseError(f"`{text[tokens[-1].pos:i + 1]}` at position {tokens[-1].pos + 1}: "
                                 "write a mixed number as a decimal or a fraction, like 2.5 or 5/2",
                                 tokens[-1].pos, i + 1 - tokens[-1].pos)
            numerator, denominator = _VULGAR[ch]
            tokens += [Token("open", "(", i, 0), Token("num", str(numerator), i, 1), Token("op", "/", i, 0),
                       Token("num", str(denominator), i, 0), Token("close", ")", i, 0)]
            i += 1
        elif ch in _GREEK:
            name = _GREEK[ch]
            kind = "func" if name in FUNCTIONS else "name"
            tokens.append(Token(kind, name, i))
            i += 1
        elif ch in _SUPERSCRIPTS:
            j = i
            while j < len(text) and text[j] in _SUPERSCRIPTS:
                j += 1
            tokens.append(Token("sup", "".join(_SUPERSCRIPTS[c] for c in text[i:j]), i, j - i))
            i = j
        elif ch in _PRIMES or ch == "″":
            if not tokens or tokens[-1].kind not in ("func", "prime"):
                raise ParseError(f"`{ch}` at position {i + 1}: a prime ′ can only follow a function "
                                 "name, as in sigmoid'(x), and text in quotes is not math", i)
            for _ in range(2 if ch == "″" else 1):
                tokens.append(Token("prime", "'", i))
            i += 1
        elif ch == "√":
            tokens.append(Token("root", "sqrt", i))
            i += 1
        elif ch in "([{":
            tokens.append(Token("open", "(", i))
            i += 1
        elif ch in ")]}":
            tokens.append(Token("close", ")", i))
            i += 1
        elif ch == ",":
            tokens.append(Token("comma", ",", i))
            i += 1
        elif op := next((o for o in _OPERATORS if text.startswith(o, i)), None):
            tokens.append(Token("op", op, i, len(op)))
            i += len(op)
        elif ch in _SYMBOLS:
            tokens.append(Token("op", _SYMBOLS[ch], i))
            i += 1
        else:
            raise ParseError(_unexpected(text, i), i)
    _check_brackets(text, tokens)
    return tokens


def _number_text(literal: str, pos: int) -> str:
    """The canonical spelling of a number (007 -> 7, .5 -> 0.5, 1e3 -> 1000), bounded in size."""
    value = float(literal)
    if not value <= MAX_NUMBER:
        raise ParseError(f"the number {literal[:20]}{'…' if len(literal) > 20 else ''} at position "
                         f"{pos + 1} is too large (the limit is {MAX_NUMBER:,.0f})", pos, len(literal))
    return str(int(value)) if value.is_integer() else repr(value)


def _word(word: str, pos: int, variables: tuple[str, ...], after: str) -> list[Token]:
    """A name: a variable, e or pi, or a known function (any case, with aliases), H for the
    step function; or one-letter variables side by side (wx, and xe before ^ as in xe^x).
    Else refused, with a suggestion. `after` is the text that follows the word."""
    if word in variables:
        return [Token("name", word, pos, len(word))]
    lower = word.lower()
    if lower in CONSTANT_NAMES:
        return [Token("name", lower, pos, len(word))]
    name = FUNCTION_ALIASES.get(lower, lower)
    if name in FUNCTIONS:
        return [Token("func", name, pos, len(word))]
    if word == "H":
        return [Token("func", "heaviside", pos, 1)]
    letters = word[:-1] if word.endswith("e") and after.startswith(("^", "**")) else word
    if all(letter in variables for letter in letters):
        return [Token("name", letter, pos + k) for k, letter in enumerate(word[:len(letters)])] \
            + ([Token("name", "e", pos + len(letters))] if letters != word else [])
    raise ParseError(f"unknown name `{word}` at position {pos + 1}: {_name_hint(word, variables)}",
                     pos, len(word))


def _unexpected(text: str, i: int) -> str:
    ch = text[i]
    where = f"at position {i + 1}"
    if ch == "=":
        return (f"`=` {where}: type only the expression, without `y =` or `f'(x) =` "
                "(to compare, use == or <=)")
    if ch == ".":
        return f"`.` {where} can only be part of a number, like 0.5"
    if ch == "|":
        return f"`|` {where}: write abs(x) for |x|"
    if ch in "\"'`":
        return f"quotes {where}: text in quotes is not math"
    if ch == "!":
        return f"`!` {where}: factorials are not supported (use != for 'not equal')"
    return f"unexpected character `{ch}` (U+{ord(ch):04X}) {where}"


def _check_brackets(text: str, tokens: list[Token]) -> None:
    """Every bracket closed, in order, and at most MAX_NESTING deep."""
    def bracket(token: Token) -> str:  # ½ adds brackets of its own: they match each other
        return text[token.pos] if text[token.pos] in "([{)]}" else token.text

    stack: list[Token] = []
    for token in tokens:
        if token.kind == "open":
            stack.append(token)
            if len(stack) > MAX_NESTING:
                raise ParseError(f"too many brackets inside brackets at position {token.pos + 1} "
                                 f"(the limit is {MAX_NESTING})", token.pos)
        elif token.kind == "close":
            if not stack:
                raise ParseError(f"`{text[token.pos]}` at position {token.pos + 1} closes a bracket "
                                 "that was never opened", token.pos)
            opened = stack.pop()
            if _BRACKETS[bracket(opened)] != bracket(token):
                raise ParseError(f"`{bracket(token)}` at position {token.pos + 1} does not match "
                                 f"`{bracket(opened)}` at position {opened.pos + 1}", token.pos)
    if stack:
        raise ParseError(f"the bracket `{text[stack[-1].pos]}` at position {stack[-1].pos + 1} "
                         "is never closed", stack[-1].pos)


# ------------------------------------------------------------------ 1b. rewrite

def _rewrite(tokens: list[Token], variables: tuple[str, ...]) -> list[Token]:
    """Primes, superscripts, f²(x), √x and implicit multiplication; then the grammar checks."""
    tokens = _primes(tokens)
    tokens = _superscripts(tokens)
    tokens = _bare_arguments(tokens)
    tokens = _function_powers(tokens)
    tokens = _roots(tokens)
    tokens = _implicit_products(tokens)
    _check_ambiguous(tokens)
    _check_grammar(tokens, variables)
    return tokens


def _primes(tokens: list[Token]) -> list[Token]:
    """sigmoid'(x) -> _prime_sigmoid(x): the derivative of a known function."""
    out: list[Token] = []
    for token in tokens:
        if token.kind != "prime":
            out.append(token)
            continue
        previous = out[-1]  # a function name: the scan saw to that
        if previous.text.startswith(_PRIME_PREFIX):
            raise ParseError(f"second prime at position {token.pos + 1}: only first derivatives "
                             "like sigmoid'(x) are understood", token.pos)
        if FUNCTIONS[previous.text].derivative is None:
            raise ParseError(f"`{previous.text}'` at position {previous.pos + 1}: the tutor does not "
                             f"know a derivative of {previous.text}; write it out", previous.pos)
        out[-1] = Token("func", _PRIME_PREFIX + previous.text, previous.pos, token.pos + 1 - previous.pos)
    return out


def _superscripts(tokens: list[Token]) -> list[Token]:
    """x² -> x ** 2, x⁻¹ -> x ** -1 (right after a value, a closing bracket or a function name)."""
    out: list[Token] = []
    for token in tokens:
        if token.kind != "sup":
            out.append(token)
            continue
        digits = token.text.lstrip("-")
        if not digits or "-" in digits or token.text.count("-") > 1:
            raise ParseError(f"the exponent at position {token.pos + 1} is not a whole number", token.pos)
        if not out or out[-1].kind not in ("num", "name", "close", "func"):
            raise ParseError(f"the exponent at position {token.pos + 1} has nothing to raise", token.pos)
        out.append(Token("op", "**", token.pos, token.span))
        if token.text.startswith("-"):
            out.append(Token("op", "-", token.pos, 1))
        out.append(Token("num", _number_text(digits, token.pos), token.pos, token.span))
    return out


def _simple_argument(tokens: list[Token], start: int) -> int | None:
    """End (exclusive) of a simple argument at `start`: a name or number, with an optional
    power of a name or number (x, 2, x², x^n); None when there is none."""
    if start >= len(tokens) or tokens[start].kind not in ("name", "num"):
        return None
    power = tokens[start + 1:start + 3]
    if len(power) == 2 and power[0].text == "**" and power[1].kind in ("name", "num"):
        return start + 3
    return start + 1


def _bare_arguments(tokens: list[Token]) -> list[Token]:
    """ln x -> ln(x), cos x² -> cos(x²), sech^2 x and sech²x -> sech(x)^2: a function applied
    to a simple argument without brackets, as lessons print it. More than a simple argument
    (sin 2x, sin x y) reads two ways, and is refused with both readings."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        powered = (i + 2 < len(tokens) and tokens[i + 1].text == "**" and tokens[i + 2].kind == "num")
        start = i + 3 if powered else i + 1
        end = _simple_argument(tokens, start) if token.kind == "func" else None
        if end is None:
            out.append(token)
            i += 1
            continue
        if end < len(tokens) and tokens[end].kind in ("name", "num", "open"):
            shown = _display(token.text)
            raise ParseError(f"`{shown}` at position {token.pos + 1} is followed by more than one "
                             f"value: write its argument in brackets, e.g. {shown}(2x) or {shown}(2)·x",
                             token.pos, token.span)
        argument = tokens[start:end]
        where = argument[0].pos
        out += [token, Token("open", "(", where, 0), *argument, Token("close", ")", where, 0)]
        if powered:
            out += tokens[i + 1:i + 3]
        i = end
    return out


def _function_powers(tokens: list[Token]) -> list[Token]:
    """tanh^2(x) and tanh²(x) -> tanh(x)**2: the power moves after the function's brackets."""
    out = list(tokens)
    i = 0
    while i < len(out):
        token = out[i]
        if token.kind == "func" and i + 1 < len(out) and out[i + 1].text == "**":
            exponent = out[i + 2] if i + 2 < len(out) else None
            if exponent is not None and exponent.text == "-":
                raise ParseError(f"`{token.text}^-1` at position {token.pos + 1} would mean the inverse "
                                 f"function; write 1/{token.text}(x) for one over {token.text}", token.pos)
            opened = out[i + 3] if i + 3 < len(out) else None
            if exponent is None or exponent.kind != "num" or opened is None or opened.kind != "open":
                raise ParseError(f"write the power of a function after its argument, as in "
                                 f"{_display(token.text)}(x)^2 (position {token.pos + 1})", token.pos)
            closing = _matching_close(out, i + 3)
            power = out[i + 1:i + 3]
            out = out[:i + 1] + out[i + 3:closing + 1] + power + out[closing + 1:]
        i += 1
    return out


def _roots(tokens: list[Token]) -> list[Token]:
    """√(x + 1) -> sqrt(x + 1); √x and √2 -> sqrt(x), sqrt(2)."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind != "root":
            out.append(token)
            i += 1
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        out.append(Token("func", "sqrt", token.pos))
        if following is not None and following.kind == "open":
            i += 1
        elif following is not None and following.kind in ("num", "name"):
            out += [Token("open", "(", following.pos, 0), following, Token("close", ")", following.pos, 0)]
            i += 2
        else:
            raise ParseError(f"√ at position {token.pos + 1} needs something to take the root of, "
                             "as in √(x + 1)", token.pos)
    return out


def _implicit_products(tokens: list[Token]) -> list[Token]:
    """2x, 2(x + 1), (x + 1)(x − 1), x sigmoid(x): a * between a value and what starts a value."""
    out: list[Token] = []
    for token in tokens:
        previous = out[-1] if out else None
        if previous is not None and previous.kind in ("num", "name", "close") \
                and token.kind in ("num", "name", "func", "open"):
            if previous.kind == "num" and token.kind == "num":
                raise ParseError(f"two numbers side by side at position {token.pos + 1}: "
                                 "write * between them, or remove the space", token.pos)
            out.append(Token("op", "*", token.pos, 0))
        out.append(token)
    return out


def _implied(token: Token | None) -> bool:
    return token is not None and token.kind == "op" and token.text == "*" and token.span == 0


def _check_ambiguous(tokens: list[Token]) -> None:
    """e^2x (e^(2x) or e²·x?) and 1/2x (1/(2x) or x/2?): refused with both readings.

    Python would read them as (e^2)·x and (1/2)·x; learners mostly mean the other, so
    neither reading is judged: the learner is asked to add brackets.
    """
    def shown(token: Token) -> str:
        return token.text if token.kind in ("name", "num") else "(…)" if token.kind == "open" \
            else f"{FUNCTIONS[token.text.removeprefix(_PRIME_PREFIX)].shown}(…)"

    for i, token in enumerate(tokens):
        if token.text == "**" and i > 0 and tokens[i - 1].text == "e":
            j = i + 1
            if j < len(tokens) and tokens[j].text in "+-":
                j += 1
            if j + 2 < len(tokens) and tokens[j].kind in ("num", "name") and _implied(tokens[j + 1]):
                base = tokens[i - 1]
                power = "".join(t.text for t in tokens[i + 1:j + 1])
                rest = shown(tokens[j + 2])
                raise ParseError(f"`e^{power}{rest}` at position {base.pos + 1} reads two ways: "
                                 f"e^({power}{rest}) or (e^{power})·{rest}; add brackets to say which",
                                 base.pos, tokens[j + 2].pos - base.pos + 1)
        if token.text == "/" and i + 3 < len(tokens) and tokens[i + 1].kind == "num" \
                and _implied(tokens[i + 2]):
            number, rest = tokens[i + 1].text, shown(tokens[i + 3])
            raise ParseError(f"`/{number}{rest}` at position {token.pos + 1} reads two ways: "
                             f"divided by {number}{rest}, /({number}{rest}), or divided by {number} "
                             f"and then times {rest}, /{number}·{rest}; add brackets to say which",
                             token.pos, tokens[i + 3].pos - token.pos + 1)


def _check_grammar(tokens: list[Token], variables: tuple[str, ...]) -> None:
    """Clear messages for the usual slips, before Python's parser sees the text."""
    calls: list[bool] = []  # for each open bracket: is it a function call's?
    for i, token in enumerate(tokens):
        previous = tokens[i - 1] if i else None
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        where = f"at position {token.pos + 1}"
        ends_value = previous is not None and previous.kind in ("num", "name", "close")
        if token.kind == "func" and (following is None or following.kind != "open"):
            raise ParseError(f"`{_display(token.text)}` {where} needs its argument in brackets, "
                             f"as in {_display(token.text)}(x)", token.pos, token.span)
        if token.kind == "open":
            calls.append(previous is not None and previous.kind == "func")
            if following is not None and following.kind == "close":
                raise ParseError(f"empty brackets {where}", token.pos)
        elif token.kind == "close":
            calls.pop()
            if not ends_value:
                raise ParseError(f"something is missing before `)` {where}", token.pos)
        elif token.kind == "comma":
            if not calls or not calls[-1]:
                raise ParseError(f"comma {where}: commas separate a function's arguments, "
                                 "as in max(0, x)", token.pos)
            if not ends_value:
                raise ParseError(f"something is missing before the comma {where}", token.pos)
        elif token.kind == "op":
            shown = {"**": "^"}.get(token.text, token.text)
            if token.text in _BINARY_ONLY and not ends_value:
                what = "the start" if previous is None else f"`{previous.text}`"
                raise ParseError(f"`{shown}` {where} cannot follow {what}: something is missing "
                                 "before it", token.pos, max(token.span, 1))
            if following is None or following.kind in ("close", "comma"):
                raise ParseError(f"`{shown}` {where} has nothing after it", token.pos, max(token.span, 1))


def _matching_close(tokens: list[Token], open_index: int) -> int:
    depth = 0
    for j in range(open_index, len(tokens)):
        depth += {"open": 1, "close": -1}.get(tokens[j].kind, 0)
        if depth == 0:
            return j
    raise ParseError("a bracket is never closed", tokens[open_index].pos)


def _rebuild(tokens: list[Token]) -> tuple[str, list[int]]:
    """The Python text of the tokens, and where each token starts in it."""
    pieces, starts, offset = [], [], 0
    for token in tokens:
        starts.append(offset)
        pieces.append(token.text)
        offset += len(token.text) + 1
    return " ".join(pieces), starts


def _syntax_error(error: SyntaxError, tokens: list[Token], starts: list[int]) -> ParseError:
    """Python's complaint, pointed back at the learner's text."""
    column = (error.offset or 1) - 1
    index = max((k for k, start in enumerate(starts) if start <= column), default=0)
    position = tokens[index].pos if tokens else 0
    return ParseError(f"cannot read the expression near position {position + 1}: "
                      "check the operators and brackets there", position)


# ------------------------------------------------------------------ 3. build the tree

def _build(node: ast.AST, variables: tuple[str, ...], depth: int) -> Expr:
    """The expression tree of a whitelisted Python syntax tree; anything else is refused."""
    if depth > MAX_DEPTH:
        raise ParseError(f"the expression is nested too deeply (more than {MAX_DEPTH} levels)")
    deeper = depth + 1
    match node:
        case ast.Constant(value=value) if type(value) in (int, float):
            if not abs(value) <= MAX_NUMBER:
                raise ParseError(f"the number {value} is too large (the limit is {MAX_NUMBER:,.0f})")
            return Number(float(value), str(value) if isinstance(value, int) else repr(value))
        case ast.Name(id=name) if name in variables:
            return Variable(name)
        case ast.Name(id=name) if name in CONSTANT_NAMES:
            return Constant(name)
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            return Negate(_build(operand, variables, deeper))
        case ast.UnaryOp(op=ast.UAdd(), operand=operand):
            return _build(operand, variables, deeper)
        case ast.BinOp(op=op, left=left, right=right) if type(op) in _AST_OPERATORS:
            a, b = _build(left, variables, deeper), _build(right, variables, deeper)
            if type(op) is ast.Pow:
                return _power(a, b)
            if type(op) in (ast.Mult, ast.Div):
                return _product(_AST_OPERATORS[type(op)], a, b)
            return Binary(_AST_OPERATORS[type(op)], a, b)
        case ast.Compare(left=left, ops=ops, comparators=comparators) \
                if all(type(op) in _AST_COMPARISONS for op in ops):
            operands = tuple(_build(o, variables, deeper) for o in (left, *comparators))
            return Comparison(operands, tuple(_AST_COMPARISONS[type(op)] for op in ops))
        case ast.Call(func=ast.Name(id=name), args=args, keywords=[]) if _function_name(name):
            return _call(name, [_build(a, variables, deeper) for a in args])
    raise ParseError(f"{_describe(node)} is not part of the math the tutor understands")


def _product(op: str, a: Expr, b: Expr) -> Expr:
    """a·b or a/b; Python reads -2*x as (−2)·x, math as −(2x): same value, and the tree
    follows math, so that it prints back as it was typed."""
    if isinstance(a, Negate):
        return Negate(_product(op, a.operand, b))
    return Binary(op, a, b)


def _function_name(name: str) -> bool:
    return name.removeprefix(_PRIME_PREFIX) in FUNCTIONS


def _call(name: str, args: list[Expr]) -> Expr:
    prime = name.startswith(_PRIME_PREFIX)
    name = name.removeprefix(_PRIME_PREFIX)
    arity = FUNCTIONS[name].arity
    if len(args) != arity:
        wanted = f"{arity} argument{'s' if arity > 1 else ''}"
        example = {1: "(x)", 2: "(0, x)", 3: "(x > 0, 1, 0)"}[arity]
        raise ParseError(f"{_display(name)} takes {wanted}, as in {_display(name)}{example}; "
                         f"it was given {len(args)}")
    return Call(name, tuple(args), prime)


def _power(base: Expr, exponent: Expr) -> Expr:
    """base ** exponent; e ** u is exp(u). A constant exponent must stay within ±MAX_EXPONENT."""
    if not exponent.variables():
        p = float(exponent.evaluate())  # safe: its own constant exponents were bounded already
        if not (math.isfinite(p) and abs(p) <= MAX_EXPONENT):
            shown = exponent.pretty()
            shown = shown if len(shown) <= 30 else shown[:30] + "…"
            raise ParseError(f"the exponent {shown} is too large: a constant exponent must stay "
                             f"within ±{MAX_EXPONENT}")
    if base == Constant("e"):
        return Call("exp", (exponent,))
    return Binary("**", base, exponent)


def _describe(node: ast.AST) -> str:
    names = {
        ast.Attribute: "attribute access (.)", ast.Subscript: "indexing [ ]", ast.Lambda: "a lambda",
        ast.IfExp: "an if-else expression", ast.BoolOp: "and/or", ast.Starred: "a starred argument",
        ast.ListComp: "a comprehension", ast.GeneratorExp: "a comprehension", ast.JoinedStr: "an f-string",
        ast.Tuple: "a tuple", ast.List: "a list", ast.Set: "a set", ast.Dict: "a dictionary",
    }
    if isinstance(node, ast.Constant):
        return f"the constant {type(node.value).__name__}"
    if isinstance(node, ast.Call):
        return "a call of something that is not a known function, or with keyword arguments,"
    if isinstance(node, ast.Name):
        return f"the name `{node.id}`"
    return names.get(type(node), f"a {type(node).__name__} expression")


# ------------------------------------------------------------------ hints

def _display(name: str) -> str:
    return name.removeprefix(_PRIME_PREFIX) + ("'" if name.startswith(_PRIME_PREFIX) else "")


def _list(names) -> str:
    """`x`, `η` (eta): a Greek variable is shown as the learner types it, and by its name."""
    return ", ".join(f"`{GREEK_VARIABLES[n]}` ({n})" if n in GREEK_VARIABLES else f"`{n}`" for n in names)


def _vocabulary(variables: tuple[str, ...]) -> list[str]:
    return [*variables, *CONSTANT_NAMES, *FUNCTIONS, *FUNCTION_ALIASES]


def _name_hint(word: str, variables: tuple[str, ...]) -> str:
    """did you mean `x*sigmoid(x)`? / `x*2` or `x^2`? / `sigmoid`? / the variable is `x`."""
    power = re.fullmatch(r"([A-Za-z_]+)([0-9]+)", word)
    if power and power.group(1) in variables:
        name, digits = power.groups()
        return f"did you mean `{name}*{digits}` or `{name}^{digits}`?"
    split = _split(word, variables)
    if split:
        return f"did you mean `{split}`?"
    if word.lower() in ("and", "or", "not", "if", "else"):
        return "for a piecewise answer use comparisons as 0/1 indicators, like (x > 0), or where(x > 0, a, b)"
    if keyword.iskeyword(word) or word.startswith("__"):
        return f"that is Python, not math; the variable{'s are' if len(variables) > 1 else ' is'} {_list(variables)}"
    from engine.names import closest

    close = closest(word.lower(), _vocabulary(variables), n=2)
    if close:
        return f"did you mean {' or '.join(f'`{c}`' for c in close)}?"
    many = len(variables) > 1
    return f"the variable{'s are' if many else ' is'} {_list(variables)}"


def _split(word: str, variables: tuple[str, ...]) -> str | None:
    """`xsigmoidx` -> `x*sigmoid(x)`, `x2` -> `x*2`: a word cut into known pieces, if it can be."""
    if len(word) > 40:
        return None
    pieces = sorted(set(_vocabulary(variables)), key=len, reverse=True)

    @functools.cache
    def cut(rest: str) -> tuple[str, ...] | None:
        if not rest:
            return ()
        digits = re.match(r"\d+", rest)
        if digits:
            tail = cut(rest[digits.end():])
            return None if tail is None else (digits.group(), *tail)
        for piece in pieces:
            if rest.lower().startswith(piece.lower()) and (tail := cut(rest[len(piece):])) is not None:
                return (piece, *tail)
        return None

    parts = cut(word)
    if not parts or len(parts) < 2:
        return None
    return _join(list(parts))


def _join(parts: list[str]) -> str | None:
    """Pieces as an expression: a function takes the rest as its argument."""
    head, rest = parts[0], parts[1:]
    name = FUNCTION_ALIASES.get(head, head)
    if name in FUNCTIONS:
        if not rest or FUNCTIONS[name].arity != 1:
            return None
        inner = _join(rest)
        return None if inner is None else f"{head}({inner})"
    if not rest:
        return head
    tail = _join(rest)
    return None if tail is None else f"{head}*{tail}"
