"""Judged queries over the demo catalogue (courses/demo/catalogue.json), graded by reading
the courses: 2 = squarely about the query, 1 = covers it in part; unlisted = 0.
Written from the catalogue's content, not from what a search engine returns.

Grading rules used throughout:
- 2: the query's topic is in the course title or tags, is the course's main subject, or the
  query is the title of the course's track.
- 1: the summary, overview or a lesson deals with the topic substantively, or the course sits
  in a track whose title contains the query.
- Passing mentions (a hotline named in one line, "预约心理咨询师", a quiz statistic) are 0.
- Mixed "A B" queries: 2 = the course covers both, 1 = the course is squarely about one.
- Script variants (traditional, full-width) carry the same grades as their simplified /
  half-width form: the user means the same thing.
"""

# Stress, the catalogue's central theme: shared by the 压力 family of queries below.
_STRESS = {
    "work-stress-resilience": 2,
    "simple-stress-relief": 2,
    "sleep-hygiene": 2,
    "letting-go-of-perfectionism": 2,
    "frontline-law-enforcement-resilience": 2,
    "political-ethics-psychology": 2,
    "dual-pressure-and-self-care": 2,
    "womens-day-salon": 2,
    "role-balance-workshop": 2,
    "young-cadre-career-growth": 1,
    "women-health-and-emotion": 1,
    "correct-view-of-achievement": 1,
    "mental-health-first-lesson": 1,
    "recognising-common-distress": 1,
    "crisis-public-relations": 1,
    "resolving-conflict": 1,
    "mind-body-experience-hall": 1,
}

# Stress relief (减压): the methods courses, plus those whose lessons teach relief techniques.
_STRESS_RELIEF = {
    "simple-stress-relief": 2,
    "womens-day-salon": 2,
    "work-stress-resilience": 2,
    "mind-body-experience-hall": 1,
    "sleep-hygiene": 1,
    "letting-go-of-perfectionism": 1,
    "dual-pressure-and-self-care": 1,
    "role-balance-workshop": 1,
    "frontline-law-enforcement-resilience": 1,
}

# Sleep: the two courses titled/tagged 睡眠; the distress course has a lesson on sleep signals.
_SLEEP = {
    "sleep-hygiene": 2,
    "women-health-and-emotion": 2,
    "recognising-common-distress": 1,
}

# Insomnia: sleep-hygiene treats it head-on; the others cover sleep problems in a lesson.
_INSOMNIA = {
    "sleep-hygiene": 2,
    "women-health-and-emotion": 1,
    "recognising-common-distress": 1,
}

# Communication: titled/tagged 沟通, plus feedback, family, crisis and criticism talk,
# and team-building-and-trust by membership of the 沟通技巧与团队领导力 track.
_COMMUNICATION = {
    "listening-and-expression": 2,
    "resolving-conflict": 2,
    "crisis-public-relations": 1,
    "role-balance-workshop": 1,
    "motivating-teams": 1,
    "party-spirit-and-healthy-mindset": 1,
    "team-building-and-trust": 1,
}

# Teams: titled/tagged 团队; crisis course has a lesson on the team after a crisis; the other
# two are in the 团队领导力 track.
_TEAM = {
    "team-building-and-trust": 2,
    "motivating-teams": 2,
    "crisis-public-relations": 1,
    "listening-and-expression": 1,
    "resolving-conflict": 1,
}

# Anxiety: the distress-signals course and the 考核焦虑 course; others treat it in a lesson.
_ANXIETY = {
    "recognising-common-distress": 2,
    "correct-view-of-achievement": 2,
    "young-cadre-career-growth": 1,
    "letting-go-of-perfectionism": 1,
    "dual-pressure-and-self-care": 1,
    "sleep-hygiene": 1,
    "simple-stress-relief": 1,
}

# Emotions: 情绪 in title/tags or a whole lesson on regulation (dual-pressure); partial cover
# in coping, criticism, help-seeking, setback, meaning and crisis composure courses.
_EMOTION = {
    "recognising-common-distress": 2,
    "resolving-conflict": 2,
    "women-health-and-emotion": 2,
    "frontline-law-enforcement-resilience": 2,
    "dual-pressure-and-self-care": 2,
    "simple-stress-relief": 2,
    "work-stress-resilience": 1,
    "party-spirit-and-healthy-mindset": 1,
    "seeking-professional-help": 1,
    "correct-view-of-achievement": 1,
    "ideals-and-meaning": 1,
    "crisis-public-relations": 1,
}

# Leadership: motivating-teams (tag 领导力) and team-building (leaders shape team safety);
# the rest of the 团队领导力 track at 1.
_LEADERSHIP = {
    "motivating-teams": 2,
    "team-building-and-trust": 2,
    "crisis-public-relations": 1,
    "resolving-conflict": 1,
    "listening-and-expression": 1,
}

# Work and family: the women's track courses built on 工作与家庭 double pressure.
_FAMILY = {
    "role-balance-workshop": 2,
    "dual-pressure-and-self-care": 2,
    "womens-day-salon": 2,
    "women-health-and-emotion": 1,
}

# Interpersonal relations: tag 人际关系 and the conflict course (25.2% 人际关系压力).
_INTERPERSONAL = {
    "listening-and-expression": 2,
    "resolving-conflict": 2,
    "team-building-and-trust": 1,
    "party-spirit-and-healthy-mindset": 1,
}

# Low mood: the distress course's lesson 情绪低落与焦虑; others where low mood is a real theme.
_LOW_MOOD = {
    "recognising-common-distress": 2,
    "seeking-professional-help": 1,
    "ideals-and-meaning": 1,
    "correct-view-of-achievement": 1,
    "dual-pressure-and-self-care": 1,
}

# SCL-90 is named only in the screening lesson of recognising-common-distress.
_SCL90 = {"recognising-common-distress": 2}

# Hotline 12356: central to seeking-professional-help, a real pointer in three others.
_HOTLINE = {
    "seeking-professional-help": 2,
    "mental-health-first-lesson": 1,
    "dual-pressure-and-self-care": 1,
    "work-stress-resilience": 1,
}


JUDGEMENTS = [
    # --- single_char: one CJK character standing for its obvious topic word ---------------
    # 压 is typed as the start of 压力/减压/抗压: graded as 压力, not as any text with 压 in it.
    {"query": "压", "kind": "single_char", "relevant": dict(_STRESS)},
    # 睡 means sleep here: graded as 睡眠.
    {"query": "睡", "kind": "single_char", "relevant": dict(_SLEEP)},
    # --- topic: two/multi-character topic words -------------------------------------------
    # Stress: tags/titles with 压力 (incl. 道德压力, 双重压力) at 2; lessons on stress at 1.
    {"query": "压力", "kind": "topic", "relevant": dict(_STRESS)},
    # Communication: see _COMMUNICATION.
    {"query": "沟通", "kind": "topic", "relevant": dict(_COMMUNICATION)},
    # Sleep: see _SLEEP.
    {"query": "睡眠", "kind": "topic", "relevant": dict(_SLEEP)},
    # Anxiety: see _ANXIETY.
    {"query": "焦虑", "kind": "topic", "relevant": dict(_ANXIETY)},
    # Emotions: see _EMOTION.
    {"query": "情绪", "kind": "topic", "relevant": dict(_EMOTION)},
    # Teams: see _TEAM.
    {"query": "团队", "kind": "topic", "relevant": dict(_TEAM)},
    # Motivation: only motivating-teams is about 激励.
    {"query": "激励", "kind": "topic", "relevant": {"motivating-teams": 2}},
    # Crisis: 危机公关 course; seeking-help is tagged 危机识别 (a psychological crisis, partial).
    {
        "query": "危机",
        "kind": "topic",
        "relevant": {"crisis-public-relations": 2, "seeking-professional-help": 1},
    },
    # Public opinion: crisis PR; frontline enforcement deals with filmed incidents going viral.
    {
        "query": "舆情",
        "kind": "topic",
        "relevant": {"crisis-public-relations": 2, "frontline-law-enforcement-resilience": 1},
    },
    # Burnout: ideals-and-meaning is built on meaning as the defence against 职业倦怠;
    # exhaustion from prolonged stress and a disengaged subordinate (小陈) are partial.
    {
        "query": "倦怠",
        "kind": "topic",
        "relevant": {"ideals-and-meaning": 2, "work-stress-resilience": 1, "motivating-teams": 1},
    },
    # Family: see _FAMILY.
    {"query": "家庭", "kind": "topic", "relevant": dict(_FAMILY)},
    # Interpersonal: see _INTERPERSONAL.
    {"query": "人际", "kind": "topic", "relevant": dict(_INTERPERSONAL)},
    # Mental health: the first-lesson course is about it; others explain it in part.
    {
        "query": "心理健康",
        "kind": "topic",
        "relevant": {
            "mental-health-first-lesson": 2,
            "party-spirit-and-healthy-mindset": 1,
            "recognising-common-distress": 1,
            "seeking-professional-help": 1,
            "womens-day-salon": 1,
        },
    },
    # Promotion: tagged 晋升考核 course; young cadre course has a lesson 正确看待晋升.
    {
        "query": "晋升",
        "kind": "topic",
        "relevant": {"correct-view-of-achievement": 2, "young-cadre-career-growth": 1},
    },
    # Relaxation: 放松训练 / 音乐放松 courses; bedtime routine and salon music session partial.
    {
        "query": "放松",
        "kind": "topic",
        "relevant": {
            "simple-stress-relief": 2,
            "mind-body-experience-hall": 2,
            "sleep-hygiene": 1,
            "womens-day-salon": 1,
        },
    },
    # Heart-to-heart talks: a lesson of political-ethics; substantive paragraphs in three others.
    {
        "query": "谈心谈话",
        "kind": "topic",
        "relevant": {
            "political-ethics-psychology": 2,
            "correct-view-of-achievement": 1,
            "young-cadre-career-growth": 1,
            "simple-stress-relief": 1,
        },
    },
    # Conflict: conflict course; enforcement scenes 冲突一触即发 are partial (内心冲突 is not).
    {
        "query": "冲突",
        "kind": "topic",
        "relevant": {"resolving-conflict": 2, "frontline-law-enforcement-resilience": 1},
    },
    # Resilience: 抗压 in two titles; rest of the 工作抗压训练 track and relief methods at 1.
    {
        "query": "抗压",
        "kind": "topic",
        "relevant": {
            "work-stress-resilience": 2,
            "frontline-law-enforcement-resilience": 2,
            "sleep-hygiene": 1,
            "letting-go-of-perfectionism": 1,
            "young-cadre-career-growth": 1,
            "simple-stress-relief": 1,
        },
    },
    # --- track: a curriculum title exactly as written; every course of the track is 2 -----
    # Popular-science track.
    {
        "query": "常识性心理科普",
        "kind": "track",
        "relevant": {
            "mental-health-first-lesson": 2,
            "recognising-common-distress": 2,
            "simple-stress-relief": 2,
            "mind-body-experience-hall": 2,
            "seeking-professional-help": 2,
        },
    },
    # Work-stress track; simple-stress-relief teaches the same 压力调适 from another track.
    {
        "query": "工作抗压训练与职业压力调适",
        "kind": "track",
        "relevant": {
            "work-stress-resilience": 2,
            "sleep-hygiene": 2,
            "letting-go-of-perfectionism": 2,
            "young-cadre-career-growth": 2,
            "frontline-law-enforcement-resilience": 2,
            "simple-stress-relief": 1,
        },
    },
    # Political ethics / party spirit track.
    {
        "query": "从政道德心理与党性修养",
        "kind": "track",
        "relevant": {
            "political-ethics-psychology": 2,
            "correct-view-of-achievement": 2,
            "ideals-and-meaning": 2,
            "party-spirit-and-healthy-mindset": 2,
        },
    },
    # Communication and leadership track.
    {
        "query": "沟通技巧与团队领导力",
        "kind": "track",
        "relevant": {
            "listening-and-expression": 2,
            "resolving-conflict": 2,
            "team-building-and-trust": 2,
            "motivating-teams": 2,
            "crisis-public-relations": 2,
        },
    },
    # Women cadres' double-pressure track.
    {
        "query": "女性领导干部双重压力调适",
        "kind": "track",
        "relevant": {
            "dual-pressure-and-self-care": 2,
            "womens-day-salon": 2,
            "women-health-and-emotion": 2,
            "role-balance-workshop": 2,
        },
    },
    # --- track_fragment: part of a track title; track members >= 1, on-topic courses 2 -----
    # 压力调适 is in two track titles; courses whose main subject is adjusting to stress are 2.
    {
        "query": "压力调适",
        "kind": "track_fragment",
        "relevant": {
            "work-stress-resilience": 2,
            "frontline-law-enforcement-resilience": 2,
            "letting-go-of-perfectionism": 2,
            "dual-pressure-and-self-care": 2,
            "womens-day-salon": 2,
            "role-balance-workshop": 2,
            "simple-stress-relief": 2,
            "sleep-hygiene": 1,
            "young-cadre-career-growth": 1,
            "women-health-and-emotion": 1,
            "correct-view-of-achievement": 1,
        },
    },
    # 科普: the two 心理科普-tagged courses at 2, rest of the track and the 健康科普 course at 1.
    {
        "query": "科普",
        "kind": "track_fragment",
        "relevant": {
            "mental-health-first-lesson": 2,
            "recognising-common-distress": 2,
            "simple-stress-relief": 1,
            "mind-body-experience-hall": 1,
            "seeking-professional-help": 1,
            "women-health-and-emotion": 1,
        },
    },
    # 沟通技巧: same judgement as 沟通 (track fragment naming the track's first theme).
    {"query": "沟通技巧", "kind": "track_fragment", "relevant": dict(_COMMUNICATION)},
    # 党性: tagged 党性修养 / titled 党性锻炼 at 2, the other two track courses at 1.
    {
        "query": "党性",
        "kind": "track_fragment",
        "relevant": {
            "political-ethics-psychology": 2,
            "party-spirit-and-healthy-mindset": 2,
            "ideals-and-meaning": 1,
            "correct-view-of-achievement": 1,
        },
    },
    # 领导力: see _LEADERSHIP.
    {"query": "领导力", "kind": "track_fragment", "relevant": dict(_LEADERSHIP)},
    # 从政道德: titled/tagged course at 2, the rest of its track at 1.
    {
        "query": "从政道德",
        "kind": "track_fragment",
        "relevant": {
            "political-ethics-psychology": 2,
            "correct-view-of-achievement": 1,
            "ideals-and-meaning": 1,
            "party-spirit-and-healthy-mindset": 1,
        },
    },
    # 职业压力: tag of work-stress-resilience and the job-stress frontline course; track at 1,
    # plus promotion/appraisal stress.
    {
        "query": "职业压力",
        "kind": "track_fragment",
        "relevant": {
            "work-stress-resilience": 2,
            "frontline-law-enforcement-resilience": 2,
            "sleep-hygiene": 1,
            "letting-go-of-perfectionism": 1,
            "young-cadre-career-growth": 1,
            "correct-view-of-achievement": 1,
        },
    },
    # --- tag: a tag name exactly as in the catalogue --------------------------------------
    # 压力管理: the four courses carrying the tag; other stress-coping courses at 1.
    {
        "query": "压力管理",
        "kind": "tag",
        "relevant": {
            "simple-stress-relief": 2,
            "work-stress-resilience": 2,
            "sleep-hygiene": 2,
            "letting-go-of-perfectionism": 2,
            "frontline-law-enforcement-resilience": 1,
            "womens-day-salon": 1,
            "dual-pressure-and-self-care": 1,
            "mind-body-experience-hall": 1,
            "recognising-common-distress": 1,
            "role-balance-workshop": 1,
        },
    },
    # 心理沙龙: the two salon-tagged courses; a one-line mention in the screening lesson is 0.
    {
        "query": "心理沙龙",
        "kind": "tag",
        "relevant": {"resolving-conflict": 2, "womens-day-salon": 2},
    },
    # 求助意识: tagged courses; screening lesson and 学会求助 paragraph cover it in part.
    {
        "query": "求助意识",
        "kind": "tag",
        "relevant": {
            "mental-health-first-lesson": 2,
            "seeking-professional-help": 2,
            "recognising-common-distress": 1,
            "dual-pressure-and-self-care": 1,
        },
    },
    # 情绪管理: tag of frontline; whole-lesson regulation in dual-pressure and conflict course.
    {
        "query": "情绪管理",
        "kind": "tag",
        "relevant": {
            "frontline-law-enforcement-resilience": 2,
            "dual-pressure-and-self-care": 2,
            "resolving-conflict": 2,
            "simple-stress-relief": 1,
            "work-stress-resilience": 1,
            "recognising-common-distress": 1,
            "party-spirit-and-healthy-mindset": 1,
            "women-health-and-emotion": 1,
            "crisis-public-relations": 1,
        },
    },
    # 心理筛查: the screening lesson; first lesson explains privacy of 心理自评结果 (partial).
    {
        "query": "心理筛查",
        "kind": "tag",
        "relevant": {"recognising-common-distress": 2, "mental-health-first-lesson": 1},
    },
    # 危机识别: psychological crisis (self-harm) -- not 危机公关, which is a different crisis.
    {
        "query": "危机识别",
        "kind": "tag",
        "relevant": {"seeking-professional-help": 2, "mental-health-first-lesson": 1},
    },
    # 自我关爱: tagged course and the 关爱自我 salon; 自我关怀 lesson and health self-care at 1.
    {
        "query": "自我关爱",
        "kind": "tag",
        "relevant": {
            "dual-pressure-and-self-care": 2,
            "womens-day-salon": 2,
            "letting-go-of-perfectionism": 1,
            "women-health-and-emotion": 1,
        },
    },
    # 职业发展: young cadre course; appraisal/post-adjustment course covers careers in part.
    {
        "query": "职业发展",
        "kind": "tag",
        "relevant": {"young-cadre-career-growth": 2, "correct-view-of-achievement": 1},
    },
    # 完美主义: only letting-go-of-perfectionism is about it.
    {"query": "完美主义", "kind": "tag", "relevant": {"letting-go-of-perfectionism": 2}},
    # 团建: only team-building-and-trust.
    {"query": "团建", "kind": "tag", "relevant": {"team-building-and-trust": 2}},
    # 人际关系: see _INTERPERSONAL.
    {"query": "人际关系", "kind": "tag", "relevant": dict(_INTERPERSONAL)},
    # 双重压力: three tagged courses; the fourth course of the track at 1.
    {
        "query": "双重压力",
        "kind": "tag",
        "relevant": {
            "dual-pressure-and-self-care": 2,
            "womens-day-salon": 2,
            "role-balance-workshop": 2,
            "women-health-and-emotion": 1,
        },
    },
    # 女性干部: all four women's-track courses name 女性(干部) in the title.
    {
        "query": "女性干部",
        "kind": "tag",
        "relevant": {
            "dual-pressure-and-self-care": 2,
            "womens-day-salon": 2,
            "women-health-and-emotion": 2,
            "role-balance-workshop": 2,
        },
    },
    # 心理咨询: tagged course; first lesson's 放下病耻感 lesson is about going to counselling.
    {
        "query": "心理咨询",
        "kind": "tag",
        "relevant": {"seeking-professional-help": 2, "mental-health-first-lesson": 1},
    },
    # 青年干部: only the young cadre course.
    {"query": "青年干部", "kind": "tag", "relevant": {"young-cadre-career-growth": 2}},
    # --- synonym: words a cadre would type for a catalogue concept -------------------------
    # 减压 (relieve stress): see _STRESS_RELIEF.
    {"query": "减压", "kind": "synonym", "relevant": dict(_STRESS_RELIEF)},
    # 失眠 (insomnia) for the sleep courses.
    {"query": "失眠", "kind": "synonym", "relevant": dict(_INSOMNIA)},
    # 睡不着 (can't sleep), colloquial for insomnia.
    {"query": "睡不着", "kind": "synonym", "relevant": dict(_INSOMNIA)},
    # 抑郁: the catalogue speaks of 情绪低落/抑郁 screening; persistent low mood in two others.
    {
        "query": "抑郁",
        "kind": "synonym",
        "relevant": {
            "recognising-common-distress": 2,
            "seeking-professional-help": 1,
            "ideals-and-meaning": 1,
        },
    },
    # 心情低落 for the catalogue's 情绪低落: see _LOW_MOOD.
    {"query": "心情低落", "kind": "synonym", "relevant": dict(_LOW_MOOD)},
    # 廉政 (clean government): political-ethics (廉洁自律, 人情请托); party discipline partial.
    {
        "query": "廉政",
        "kind": "synonym",
        "relevant": {"political-ethics-psychology": 2, "party-spirit-and-healthy-mindset": 1},
    },
    # 工作家庭平衡 for 工作与家庭 / 角色平衡: see _FAMILY.
    {"query": "工作家庭平衡", "kind": "synonym", "relevant": dict(_FAMILY)},
    # 调动积极性 (raise motivation) for 激励机制 / 内在动力.
    {"query": "调动积极性", "kind": "synonym", "relevant": {"motivating-teams": 2}},
    # --- traditional: traditional-character spellings, graded like the simplified form -----
    {"query": "壓力", "kind": "traditional", "relevant": dict(_STRESS)},
    {"query": "溝通", "kind": "traditional", "relevant": dict(_COMMUNICATION)},
    {"query": "團隊", "kind": "traditional", "relevant": dict(_TEAM)},
    {"query": "焦慮", "kind": "traditional", "relevant": dict(_ANXIETY)},
    {"query": "情緒", "kind": "traditional", "relevant": dict(_EMOTION)},
    {"query": "領導力", "kind": "traditional", "relevant": dict(_LEADERSHIP)},
    {"query": "減壓", "kind": "traditional", "relevant": dict(_STRESS_RELIEF)},
    # --- fullwidth: full-width Latin/digits for codes that appear half-width in the text ----
    {"query": "ＳＣＬ－９０", "kind": "fullwidth", "relevant": dict(_SCL90)},
    {"query": "ＳＣＬ", "kind": "fullwidth", "relevant": dict(_SCL90)},
    {"query": "１２３５６", "kind": "fullwidth", "relevant": dict(_HOTLINE)},
    # --- acronym: ASCII codes present in the catalogue (there is no "EAP" in it) ------------
    {"query": "SCL-90", "kind": "acronym", "relevant": dict(_SCL90)},
    # 12356 is the national psychological-assistance hotline number.
    {"query": "12356", "kind": "acronym", "relevant": dict(_HOTLINE)},
    # --- sentence: a cadre describing a problem; relevant = courses sharing most of it ------
    # Inspection overtime, poor sleep, distraction, impatience at home: the 迎检 case in
    # work-stress-resilience and the stress-and-sleep lesson; relief methods and signals at 1.
    {
        "query": (
            "最近单位迎检任务特别重，我连着好几周加班到深夜，躺下以后脑子里还在过材料，"
            "入睡困难、半夜容易醒，白天开会总走神，回家对孩子也没耐心，想学点缓解压力、"
            "改善睡眠的办法。"
        ),
        "kind": "sentence",
        "relevant": {
            "work-stress-resilience": 2,
            "sleep-hygiene": 2,
            "simple-stress-relief": 1,
            "recognising-common-distress": 1,
        },
    },
    # Woman cadre torn between work, a child's exams and an ailing elder: the double-pressure
    # courses (guilt both ways, 家长会 case); women's health course at 1.
    {
        "query": (
            "我是一名女干部，孩子今年中考，老人身体也不好需要照顾，单位工作又多，"
            "经常两头顾不过来，加班时觉得对不起家人，陪孩子时又担心耽误工作，"
            "人很疲惫，不知道该怎么平衡。"
        ),
        "kind": "sentence",
        "relevant": {
            "dual-pressure-and-self-care": 2,
            "role-balance-workshop": 2,
            "womens-day-salon": 2,
            "women-health-and-emotion": 1,
        },
    },
    # Failed a competitive selection, 干多干少一个样, suspicion, no sleep: the 落选之后 case;
    # promotion lesson for young cadres and reconnecting with meaning at 1.
    {
        "query": (
            "这次副处级竞争性选拔我止步于考察环节，心里很失落，总觉得干多干少一个样，"
            "开会也不想发言，晚上翻来覆去睡不着，还老怀疑是不是有人在背后说了什么，"
            "不知道该怎样调整心态。"
        ),
        "kind": "sentence",
        "relevant": {
            "correct-view-of-achievement": 2,
            "young-cadre-career-growth": 1,
            "ideals-and-meaning": 1,
        },
    },
    # --- mixed: two words separated by a space ---------------------------------------------
    # Stress and sleep together: sleep-hygiene (压力如何影响睡眠); courses squarely on one at 1.
    {
        "query": "压力 睡眠",
        "kind": "mixed",
        "relevant": {
            "sleep-hygiene": 2,
            "women-health-and-emotion": 1,
            "work-stress-resilience": 1,
            "simple-stress-relief": 1,
            "recognising-common-distress": 1,
            "frontline-law-enforcement-resilience": 1,
        },
    },
    # Communication in conflict: the conflict course; listening, enforcement scenes at 1.
    {
        "query": "沟通 冲突",
        "kind": "mixed",
        "relevant": {
            "resolving-conflict": 2,
            "listening-and-expression": 1,
            "frontline-law-enforcement-resilience": 1,
        },
    },
    # Team motivation: motivating-teams covers both; team-building is squarely on teams.
    {
        "query": "团队 激励",
        "kind": "mixed",
        "relevant": {"motivating-teams": 2, "team-building-and-trust": 1},
    },
    # Women's sleep: women-health-and-emotion covers both; sleep course and women's track at 1.
    {
        "query": "女性 睡眠",
        "kind": "mixed",
        "relevant": {
            "women-health-and-emotion": 2,
            "sleep-hygiene": 1,
            "dual-pressure-and-self-care": 1,
            "womens-day-salon": 1,
            "role-balance-workshop": 1,
        },
    },
    # Promotion anxiety: 考核焦虑 course and the young cadre lesson on 晋升焦虑 cover both.
    {
        "query": "焦虑 晋升",
        "kind": "mixed",
        "relevant": {
            "correct-view-of-achievement": 2,
            "young-cadre-career-growth": 2,
            "recognising-common-distress": 1,
        },
    },
]
