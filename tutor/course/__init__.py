"""The course: lesson files, their quizzes, and judging answers.

    paths        where the lessons folder is (lessons_dir)
    lessonfile   split a lesson file into front matter, prose and fenced blocks
    blocks       validate one ```quiz, ```lab or ```engine block into the model
    loader       load_course(): every lesson, every problem with its file and line
    model        the frozen dataclasses: Course, Lesson, Quiz and its specs, Problem
    answers      check_answer(quiz, text) -> Verdict, for every quiz kind
    display      quizzes as plain text (choices, networks, runs, revealed answers)
    network_spec numeric quizzes whose answer the engine computes (delta[0][1], ...)
    runs         predict quizzes: train the lesson's network and see what happens
    engine_source the real source of an engine function, for ```engine blocks
    mathparse, expr, symbolic, judge, drills: typed math, judged by sampling

Import from the submodules (tutor.course.loader.load_course, ...): this file
imports nothing, so `import tutor.course.mathparse` costs only what mathparse needs.
"""
