"""Typed math: reading what the learner types, judging it by sampling, and drills.

    expr         the expression tree (Number, Variable, Call, ...): evaluate, print, kinks
    mathparse    parse(text) -> tree, safely: learner text is never evaluated
    symbolic     trees to SymPy and back (imports SymPy: import it lazily)
    judge        judge(answer, expected) -> Judgement by numeric sampling; derivative_of
    drills       generated derivative drills, by family and level, reproducible by seed
    drill_plan   DrillPlan: which drill comes next and how the level follows the learner
    leitner      Leitner's box rules for spacing drill families (standard library only)
    graph        an expression's computation tree at given values: values, local derivatives,
                 gradients, the backward pass step by step (the chain rule as a graph)
    shown        numbers as the learner reads them (four significant digits, a Unicode minus)

One-way: tutor.course and the screens use this package; it imports nothing from
the rest of tutor (tests/tutor/test_maths_layering.py checks it).

Named `maths`, not `math`: `tutor.math` would read like the standard library's
math module, which these modules import.

Import from the submodules (tutor.maths.mathparse.parse, ...): this file imports
nothing, so `import tutor.maths.mathparse` costs only what mathparse needs.
"""
