"""Judged profiles for recommendations over the demo catalogue (issue 15).

Each profile is a synthetic cadre built through the real consent and assessment services
(metrics.build_cadre): the SCL-90 factors it raises and how far ("elevated": a factor mean
about 2.5, rung 1; "high": about 3.5, rung 2), the stress sources it reports (answered 4,
present at 3 and above), and the cadre's rank, gender, post category and age, chosen so that
the courses judged relevant are open to them by audience and, where it matters, so that the
leadership courses (县处级副职 and above) are open too and can be wrongly ranked first.

`relevant` grades the courses a counsellor would offer, read from the courses' content
(courses/demo/catalogue.json: summary, overview, lessons, cases), never from the engine:
- 2: squarely what a counsellor would offer first for this profile;
- 1: a sound supportive extra (covers the need in a lesson, or offline/general);
- unlisted: 0.
`must_not_top3`: courses that must not be in the top three: leadership and performance
courses for a distressed cadre, a crisis-PR course for anxiety, the integrity course for
irritability, and the like.

Course slugs, for reading the rationales:
  popular science: mental-health-first-lesson, recognising-common-distress,
    simple-stress-relief, mind-body-experience-hall (offline), seeking-professional-help
  work stress: work-stress-resilience, sleep-hygiene, letting-go-of-perfectionism,
    young-cadre-career-growth (≤ 29), frontline-law-enforcement-resilience (行政执法类)
  political ethics: political-ethics-psychology (integrity, 人情请托), correct-view-of-achievement
    (政绩观, appraisal and selection setbacks), ideals-and-meaning,
    party-spirit-and-healthy-mindset (offline, criticism and self-criticism)
  communication: listening-and-expression, resolving-conflict, team-building-and-trust
    (offline), motivating-teams (县处级副职+), crisis-public-relations (县处级副职+)
  women (female only): dual-pressure-and-self-care, womens-day-salon (offline),
    women-health-and-emotion, role-balance-workshop
"""

ELEVATED, HIGH = "elevated", "high"

# Courses no distressed cadre should be offered first: skills for leading others.
LEADERSHIP = ["motivating-teams", "crisis-public-relations"]
INTEGRITY = "political-ethics-psychology"

PROFILES = [
    # --- one per SCL-90 factor that courses address ------------------------------------
    {
        "key": "somatization",
        "description": "身体不适感 raised (headaches, tight shoulders, stomach): a county leader",
        "cadre": {"rank": "county_deputy", "gender": "male", "age": 48},
        "scl90": {"somatization": ELEVATED},
        "sources": [],
        "rung": 1,
        "relevant": {
            # Breathing and progressive muscle relaxation for a tense body (肩颈紧绷).
            "simple-stress-relief": 2,
            # Lesson 身体在说话: stress shows in the body; get a medical check first.
            "recognising-common-distress": 2,
            # Taught by a psychosomatic doctor; poor sleep goes with bodily stress.
            "sleep-hygiene": 1,
            # Music and body relaxation, but an offline open day.
            "mind-body-experience-hall": 1,
        },
        # Leading others and appraisal are no care for bodily distress.
        "must_not_top3": [*LEADERSHIP, "correct-view-of-achievement"],
    },
    {
        "key": "obsessive",
        "description": "反复思虑与检查 raised: a 三级调研员 who rechecks everything",
        "cadre": {"rank": "researcher_3", "gender": "male", "age": 45},
        "scl90": {"obsessive": ELEVATED},
        "sources": [],
        "rung": 1,
        "relevant": {
            # Repeated checking, can't finish, the 改了十七遍 case: the perfectionism course.
            "letting-go-of-perfectionism": 2,
            # Controllable vs not, a daily 压力盘点 that turns vague worry into tasks.
            "work-stress-resilience": 1,
            # Relaxation for the tension that comes with rumination.
            "simple-stress-relief": 1,
        },
        # Motivating staff, crisis PR and integrity do not address rumination.
        "must_not_top3": [*LEADERSHIP, INTEGRITY],
    },
    {
        "key": "interpersonal",
        "description": "人际交往中的不自在 raised (feels slighted, ill at ease): a county chief",
        "cadre": {"rank": "county_chief", "gender": "male", "age": 50},
        "scl90": {"interpersonal": ELEVATED},
        "sources": [],
        "rung": 1,
        "relevant": {
            # Being heard and speaking without blame: communication practised for oneself.
            "listening-and-expression": 2,
            # Emotions in disagreements, the pause, common interests.
            "resolving-conflict": 1,
            # Lesson: fear of losing face; criticism is not a verdict on the whole person.
            "party-spirit-and-healthy-mindset": 1,
            # Psychological safety and trust exercises (domain: team building, salons).
            "team-building-and-trust": 1,
        },
        # Motivating subordinates is a manager's skill, not help for feeling slighted.
        "must_not_top3": [*LEADERSHIP, INTEGRITY],
    },
    {
        "key": "depression",
        "description": "情绪低落 raised, safety items untouched: a 一级主任科员",
        "cadre": {"rank": "principal_clerk_1", "gender": "male", "age": 38},
        "scl90": {"depression": ELEVATED},
        "sources": [],
        "rung": 1,
        "relevant": {
            # Lesson 情绪低落与焦虑：何时需要留意 (two weeks, screening, professional talk).
            "recognising-common-distress": 2,
            # When low mood lasts, seek help; hotline; how counselling works.
            "seeking-professional-help": 2,
            # Meaning as a resource, 三件好事; warns low mood is not weak conviction.
            "ideals-and-meaning": 1,
            # Social support, healthy outlets, a hobby.
            "simple-stress-relief": 1,
            # Stigma and where to get support.
            "mental-health-first-lesson": 1,
        },
        # Integrity, appraisal and a self-criticism seminar can read as blame when low.
        "must_not_top3": [
            INTEGRITY,
            "correct-view-of-achievement",
            "party-spirit-and-healthy-mindset",
        ],
    },
    {
        "key": "anxiety",
        "description": "紧张不安 raised: a county leader (crisis PR and motivation are open)",
        "cadre": {"rank": "county_deputy", "gender": "male", "age": 46},
        "scl90": {"anxiety": ELEVATED},
        "sources": [],
        "rung": 1,
        "relevant": {
            # Practical relaxation: breathing before meetings, muscle relaxation.
            "simple-stress-relief": 2,
            # Worry keeps the brain working at night; bedtime buffer.
            "sleep-hygiene": 1,
            # Lesson on anxiety: 停不下来的担心, when it needs attention.
            "recognising-common-distress": 1,
            # Coping paths for stress; calming down first.
            "work-stress-resilience": 1,
            # Music relaxation, offline.
            "mind-body-experience-hall": 1,
        },
        # Crisis PR is a job skill under public pressure, not care for anxiety.
        "must_not_top3": [*LEADERSHIP, INTEGRITY],
    },
    {
        "key": "hostility",
        "description": "容易烦躁 raised: a law-enforcement officer (一线执法)",
        "cadre": {
            "rank": "officer_2",
            "gender": "male",
            "age": 35,
            "post_category": "law_enforcement",
        },
        "scl90": {"hostility": ELEVATED},
        "sources": [],
        "rung": 1,
        "relevant": {
            # 容易上火 on the job; 停—呼吸—观察—回应 and after-shift unloading.
            "frontline-law-enforcement-resilience": 2,
            # Anger puts the body in fight mode; the pause; positions vs interests.
            "resolving-conflict": 2,
            # Saying what one wants without blame (你总是拖拖拉拉 → facts, feelings, requests).
            "listening-and-expression": 1,
            # Healthy outlets instead of taking it out on family or subordinates.
            "simple-stress-relief": 1,
            # Managing one's first reaction when criticised.
            "party-spirit-and-healthy-mindset": 1,
        },
        # Irritability is not a question of integrity; appraisal is beside the point.
        "must_not_top3": [INTEGRITY, "correct-view-of-achievement"],
    },
    {
        "key": "sleep",
        "description": "睡眠与饮食 (SCL-90 other) raised: a woman 一级科员",
        "cadre": {"rank": "clerk_1", "gender": "female", "age": 41},
        "scl90": {"other": ELEVATED},
        "sources": [],
        "rung": 1,
        "relevant": {
            # Sleep hygiene, stress and sleep, a bedtime buffer.
            "sleep-hygiene": 2,
            # Lesson 忙碌女性的睡眠与休息.
            "women-health-and-emotion": 2,
            # Music relaxation to practise at home before bed.
            "mind-body-experience-hall": 1,
            # Breathing and muscle relaxation, suggested before sleep.
            "simple-stress-relief": 1,
            # Sleep and appetite as the two windows on one's state.
            "recognising-common-distress": 1,
        },
        "must_not_top3": [INTEGRITY, "correct-view-of-achievement"],
    },
    {
        "key": "paranoid",
        "description": "对他人的戒备 at 2.5, which is the high rung: a county chief",
        "cadre": {"rank": "county_chief", "gender": "male", "age": 52},
        "scl90": {"paranoid": ELEVATED},
        "sources": [],
        "rung": 2,
        "relevant": {
            # High rung: a counsellor first; this course says when and how.
            "seeking-professional-help": 2,
            # Reading a screening result: a higher hint means talking to a counsellor.
            "recognising-common-distress": 1,
            # Lesson: don't put a setback down to 有人针对我.
            "correct-view-of-achievement": 1,
            # Not team-building-and-trust: it teaches leaders to build a team's safety, not
            # help with one's own mistrust; no group exercise before a counsellor's talk.
        },
        "must_not_top3": list(LEADERSHIP),
    },
    {
        "key": "psychoticism",
        "description": "孤独与疏离感 at 2.5 (high rung, counsellor only): a woman 三级主任科员",
        "cadre": {"rank": "principal_clerk_3", "gender": "female", "age": 33},
        "scl90": {"psychoticism": ELEVATED},
        "sources": [],
        "rung": 2,
        "relevant": {
            # Counsellor only: the help-seeking course is the one to offer.
            "seeking-professional-help": 2,
            # Stigma, confidentiality, where support is.
            "mental-health-first-lesson": 1,
            # Screening results are hints; a professional assesses.
            "recognising-common-distress": 1,
        },
        # Appraisal and integrity are no support at the high rung.
        "must_not_top3": [INTEGRITY, "correct-view-of-achievement"],
    },
    # --- one per stress source (SCL-90 unremarkable) --------------------------------------
    {
        "key": "stress_work",
        "description": "work pressure reported: a county chief",
        "cadre": {"rank": "county_chief", "gender": "male", "age": 47},
        "scl90": {},
        "sources": ["stress_work"],
        "rung": 0,
        "relevant": {
            # Stress mechanisms, coping, the 迎检前的一周 case.
            "work-stress-resilience": 2,
            # Relief methods usable at the office.
            "simple-stress-relief": 2,
            # Work stress follows cadres to bed.
            "sleep-hygiene": 1,
            # 96.4% work pressure; self as the first one responsible; where help is.
            "mental-health-first-lesson": 1,
        },
        # Motivating subordinates is not relief for one's own pressure; nor is integrity.
        "must_not_top3": ["motivating-teams", INTEGRITY],
    },
    {
        "key": "stress_promotion",
        "description": "promotion and appraisal pressure: a 27-year-old 一级科员",
        "cadre": {"rank": "clerk_1", "gender": "male", "age": 27},
        "scl90": {},
        "sources": ["stress_promotion"],
        "rung": 0,
        "relevant": {
            # 化解晋升与考核焦虑, setbacks in selection.
            "correct-view-of-achievement": 2,
            # Lesson 职业规划与正确看待晋升 for cadres up to 29.
            "young-cadre-career-growth": 2,
            # Worth rooted in meaning rather than position.
            "ideals-and-meaning": 1,
        },
        # Promotion worry is not an integrity problem.
        "must_not_top3": [INTEGRITY],
    },
    {
        "key": "stress_interpersonal",
        "description": "pressure from dealing with people: a county leader",
        "cadre": {"rank": "county_deputy", "gender": "male", "age": 44},
        "scl90": {},
        "sources": ["stress_interpersonal"],
        "rung": 0,
        "relevant": {
            # Listening and blame-free expression with superiors, peers, the public.
            "listening-and-expression": 2,
            # 25.2% interpersonal pressure; conflict emotions and common interests.
            "resolving-conflict": 2,
            # Trust and psychological safety in the team.
            "team-building-and-trust": 1,
            # Criticism without hurting relations.
            "party-spirit-and-healthy-mindset": 1,
        },
        # Motivating subordinates is about them, not the cadre's own strain.
        "must_not_top3": [*LEADERSHIP, INTEGRITY],
    },
    {
        "key": "stress_self_demand",
        "description": "self-demand pressure: a 二级主任科员",
        "cadre": {"rank": "principal_clerk_2", "gender": "male", "age": 36},
        "scl90": {},
        "sources": ["stress_self_demand"],
        "rung": 0,
        "relevant": {
            # 42.7% self-demand; 足够好 principle, self-compassion.
            "letting-go-of-perfectionism": 2,
            # Coping habits, the daily 压力盘点.
            "work-stress-resilience": 1,
            # Relief methods.
            "simple-stress-relief": 1,
        },
        "must_not_top3": [INTEGRITY],
    },
    {
        "key": "stress_moral",
        "description": "moral pressure (廉洁自律): a county chief",
        "cadre": {"rank": "county_chief", "gender": "male", "age": 53},
        "scl90": {},
        "sources": ["stress_moral"],
        "rung": 0,
        "relevant": {
            # 21.6% moral pressure; 人情请托; 谈心谈话.
            "political-ethics-psychology": 2,
            # Ideals as the source of meaning.
            "ideals-and-meaning": 1,
            # Party spirit and a healthy mindset.
            "party-spirit-and-healthy-mindset": 1,
        },
        "must_not_top3": list(LEADERSHIP),
    },
    {
        "key": "stress_family",
        "description": "family pressure: a woman county leader",
        "cadre": {"rank": "county_deputy", "gender": "female", "age": 42},
        "scl90": {},
        "sources": ["stress_family"],
        "rung": 0,
        "relevant": {
            # The women's dual-pressure module (domain §6).
            "dual-pressure-and-self-care": 2,
            # Role map, boundaries, sharing with the family.
            "role-balance-workshop": 2,
            # 科学减压，关爱自我 salon, the 家长会与督导会 case.
            "womens-day-salon": 2,
            # Sleep squeezed by work and housework.
            "women-health-and-emotion": 1,
        },
        "must_not_top3": [*LEADERSHIP, INTEGRITY],
    },
    # --- combinations -----------------------------------------------------------------------
    {
        "key": "woman_anxious_somatic_family",
        "description": "a woman 乡科级副职: tense and bodily unwell, work and family pressure",
        "cadre": {"rank": "township_deputy", "gender": "female", "age": 39},
        "scl90": {"anxiety": ELEVATED, "somatization": ELEVATED},
        "sources": ["stress_work", "stress_family"],
        "rung": 1,
        "relevant": {
            # Dual pressure: fatigue, anxiety, emotion regulation.
            "dual-pressure-and-self-care": 2,
            # Salon with music relaxation and shared ways of coping.
            "womens-day-salon": 2,
            # Body, sleep and emotion for women.
            "women-health-and-emotion": 2,
            # Practical relaxation for tension and a tense body.
            "simple-stress-relief": 2,
            # Boundaries and sharing at home: the family side, less the symptoms.
            "role-balance-workshop": 1,
            # Tension and bodily stress disturb sleep.
            "sleep-hygiene": 1,
            # Body signals and worry, when to take them seriously.
            "recognising-common-distress": 1,
            # Coping with the work side.
            "work-stress-resilience": 1,
        },
        "must_not_top3": [INTEGRITY, "correct-view-of-achievement"],
    },
    {
        "key": "perfectionist_overloaded",
        "description": "rechecking, high self-demand and work pressure: a 三级调研员",
        "cadre": {"rank": "researcher_3", "gender": "male", "age": 45},
        "scl90": {"obsessive": ELEVATED},
        "sources": ["stress_self_demand", "stress_work"],
        "rung": 1,
        "relevant": {
            # Rechecking and self-demand: the perfectionism course.
            "letting-go-of-perfectionism": 2,
            # Work pressure: stress mechanisms and coping habits.
            "work-stress-resilience": 2,
            # Relief methods.
            "simple-stress-relief": 1,
            # 睡前把待办写在纸上 for a mind that keeps working at night.
            "sleep-hygiene": 1,
        },
        "must_not_top3": [*LEADERSHIP, INTEGRITY],
    },
    {
        "key": "young_anxious_promotion",
        "description": "a 26-year-old 二级科员, tense, worried about promotion",
        "cadre": {"rank": "clerk_2", "gender": "male", "age": 26},
        "scl90": {"anxiety": ELEVATED},
        "sources": ["stress_promotion"],
        "rung": 1,
        "relevant": {
            # Role adjustment, comparing oneself with peers, 晋升焦虑.
            "young-cadre-career-growth": 2,
            # Appraisal anxiety.
            "correct-view-of-achievement": 2,
            # Relaxation for the tension itself.
            "simple-stress-relief": 1,
            # Worry at night.
            "sleep-hygiene": 1,
        },
        "must_not_top3": [INTEGRITY],
    },
    {
        "key": "irritable_with_colleagues",
        "description": "irritable, ill at ease with people, interpersonal pressure: county chief",
        "cadre": {"rank": "county_chief", "gender": "male", "age": 49},
        "scl90": {"hostility": ELEVATED, "interpersonal": ELEVATED},
        "sources": ["stress_interpersonal"],
        "rung": 1,
        "relevant": {
            # Anger in disagreements, the pause: irritability with people.
            "resolving-conflict": 2,
            # Being heard, blame-free expression: unease with people.
            "listening-and-expression": 2,
            # Taking and giving criticism without losing one's temper or face.
            "party-spirit-and-healthy-mindset": 1,
            # Trust in the team.
            "team-building-and-trust": 1,
            # Healthy outlets for anger.
            "simple-stress-relief": 1,
        },
        "must_not_top3": [*LEADERSHIP, INTEGRITY],
    },
    # --- the high rung ----------------------------------------------------------------------
    {
        "key": "high_low_mood",
        "description": "情绪低落 ≥ 3 (high rung, no safety item) and tense: a county leader",
        "cadre": {"rank": "county_deputy", "gender": "male", "age": 50},
        "scl90": {"depression": HIGH, "anxiety": ELEVATED},
        "sources": ["stress_work"],
        "rung": 2,
        "relevant": {
            # Counsellor first at the high rung (domain §5): the help-seeking course.
            "seeking-professional-help": 2,
            # When low mood and worry need attention; screening results.
            "recognising-common-distress": 1,
            # Supportive extras: relief methods, stigma.
            "simple-stress-relief": 1,
            "mental-health-first-lesson": 1,
        },
        "must_not_top3": [*LEADERSHIP, INTEGRITY, "correct-view-of-achievement"],
    },
    # --- nothing raised ---------------------------------------------------------------------
    {
        "key": "nothing_raised",
        "description": "no factor, no stress source: a 30-year-old 一级科员",
        "cadre": {"rank": "clerk_1", "gender": "male", "age": 30},
        "scl90": {},
        "sources": [],
        "rung": 0,
        "relevant": {
            # Rung 0: popular science (domain §5); the first stop for every cadre.
            "mental-health-first-lesson": 2,
            # Simple everyday relief, useful to anyone.
            "simple-stress-relief": 2,
            # Popular science: recognising distress, when to seek help.
            "recognising-common-distress": 1,
            "seeking-professional-help": 1,
            # Resilience for all (domain §6: work → resilience for all).
            "work-stress-resilience": 1,
            # Offline open day for relaxation.
            "mind-body-experience-hall": 1,
        },
        # Nothing to protect from at rung 0: leadership courses may rank where they will.
        "must_not_top3": [],
    },
]

# Not graded: at the crisis rung (SCL-90 item 15 ≥ 2) recommendations carry nothing from
# the profile. Low mood and sleep raised, with a safety item.
CRISIS_PROFILE = {
    "key": "crisis",
    "description": "情绪低落 and sleep raised, item 15 answered 2: the crisis rung",
    "cadre": {"rank": "county_deputy", "gender": "female", "age": 44},
    "scl90": {"depression": ELEVATED, "other": ELEVATED},
    "safety": {15: 2},
    "sources": ["stress_work", "stress_family"],
    "rung": 3,
}
