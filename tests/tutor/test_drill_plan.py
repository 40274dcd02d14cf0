"""DrillPlan: due families first, drill n uses seed + n, the level follows the streak."""
from tutor.maths import drills
from tutor.maths.drill_plan import LEVEL_DOWN, LEVEL_UP, DrillPlan


def test_due_family_first_then_the_current_level():
    plan = DrillPlan(seed=40)
    family = drills.FAMILIES[-1]
    assert plan.next_spec(["not-a-family", family]) == (40, family)
    assert plan.next_spec([]) == (41, None)
    assert plan.generate(41, None) == drills.generate(41, level=plan.level)


def test_level_rises_after_a_streak_and_falls_after_misses():
    plan = DrillPlan(seed=0)
    start = plan.level
    messages = [plan.count(True) for _ in range(LEVEL_UP)]
    assert plan.level == start + 1 and messages[-1] == f"Level {start + 1}." and messages[:-1] == [None] * (LEVEL_UP - 1)
    plan.count(True)  # a right answer between misses resets the run of misses
    messages = [plan.count(False) for _ in range(LEVEL_DOWN)]
    assert plan.level == start and messages[-1] == f"Back to level {start}."
    assert [plan.count(False) for _ in range(LEVEL_DOWN)] == [None, None]  # never below the lowest level
    assert (plan.asked, plan.right_first_time) == (LEVEL_UP + 1 + 2 * LEVEL_DOWN, LEVEL_UP + 1)
    assert plan.summary() == f"{plan.asked} drills, {LEVEL_UP + 1} right at the first try"


def _session(plan, due, count):
    """Drills of a session in which `due` families are always due (always missed)."""
    out = []
    for _ in range(count):
        out.append(plan.generate(*plan.next_spec(due)))
    return out


def test_a_family_that_stays_due_does_not_come_back_in_a_row():
    # Issue 10: seed 1 gave ten a·ln(bx) drills in a row, some repeated back to back.
    shown = _session(DrillPlan(seed=1), ["log"], 10)
    families = [drill.family for drill in shown]
    assert all(a != b for a, b in zip(families, families[1:])), families
    assert len(set(families)) >= 3 and "log" in families
    functions = [drill.function for drill in shown]
    assert all(a != b for a, b in zip(functions, functions[1:])), functions


def test_level_drills_vary_their_families():
    for seed in range(5):
        families = [drill.family for drill in _session(DrillPlan(seed=seed), [], 12)]
        assert all(a != b for a, b in zip(families, families[1:])), families


def test_a_drill_is_never_repeated_back_to_back_even_with_one_family():
    plan = DrillPlan(seed=3)
    plan.recent = []
    shown = []
    for n in range(20):
        plan.recent = []  # as if nothing else were left: the family must repeat
        shown.append(plan.generate(n % 2, "log").function)
    assert all(a != b for a, b in zip(shown, shown[1:])), shown
