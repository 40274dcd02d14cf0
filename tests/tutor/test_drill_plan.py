"""DrillPlan: due families first, drill n uses seed + n, the level follows the streak."""
from tutor.course import drills
from tutor.course.drill_plan import LEVEL_DOWN, LEVEL_UP, DrillPlan


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
