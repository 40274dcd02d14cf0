"""The course: lesson files, their quizzes, and checking answers.

    paths        where the lessons folder is (lessons_dir)
    lessonfile   split a lesson file into front matter, prose and fenced blocks
    blocks       validate one ```quiz, ```lab or ```engine block into the model
    loader       load_course(): every lesson, every problem with its file and line
    model        the frozen dataclasses: Course, Lesson, Quiz and its specs, Problem
    answers      check_answer(quiz, text) -> Verdict, for every quiz kind (and the author's mistakes)
    choices      choices labelled a, b, c: reading letters, texts and the values choices state
    display      quizzes as plain text (choices, networks, runs, revealed answers)
    network_spec numeric quizzes whose answer the engine computes (delta[1][0] for δ¹, ...)
    runs         predict quizzes: train the lesson's network and see what happens
    variants     fresh numbers or a fresh seed for a quiz whose answer was shown
    engine_source the real source of an engine function, for ```engine blocks

Typed math (parsing it, judging it, drills) is tutor.maths, which this package
uses and which never imports it.

Import from the submodules (tutor.course.loader.load_course, ...): this file
imports nothing, so `import tutor.course.loader` costs only what loader needs.
"""
