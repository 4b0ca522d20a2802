"""Held-out judged everyday-language queries over the demo catalogue (courses/demo/catalogue.json).

Written on 2026-11-30 by an independent reader (a helper session started for this task), by
reading the catalogue only: no search was run, and neither the search engine's code nor its
synonym lists, the git history or the README's search section were read. The queries are what
a cadre would type into the platform's search box in their own words when they have a
problem; the relevant courses mostly express the topic in other, more formal words (e.g.
熟人找我办事 vs 人情请托, 上有老下有小 vs 双重压力 / 家庭照料, 被网暴 vs 舆情应对 / 网络上的
质疑和批评, 躺平 vs 内在动力 / 意义感, 不想活了 vs "活着没意思" / 危机识别). None repeats a
query of judgements.py or heldout.py.

Blind to the everyday lexicon's first batch (search/everyday.py); its second batch was
written after these queries had been read, so heldout_blind.py is now the blind measure.

Same grading rules as judgements.py:
- 2: the query's topic is in the course title or tags, is the course's main subject, or the
  query is the title of the course's track.
- 1: the summary, overview or a lesson deals with the topic substantively, or the course sits
  in a track whose title contains the query.
- Passing mentions (a hotline named in one line, "预约心理咨询师", a quiz statistic) are 0
  (left unlisted).
- Mixed "A B" queries: 2 = the course covers both, 1 = the course is squarely about one.
- Script variants (traditional, full-width) carry the same grades as their simplified /
  half-width form: the user means the same thing.
"""

HELDOUT_EVERYDAY = [
    # Conflict with one's boss: resolving-conflict is about work conflict and names 上下级之间的
    # 期待差异 as a source; listening-and-expression aims at smoother 上下级沟通 and shows how
    # accusations turn a discussion into 争执.
    {
        "query": "和领导闹矛盾",
        "kind": "word",
        "relevant": {"resolving-conflict": 2, "listening-and-expression": 1},
    },
    # Attacked online: crisis-public-relations is tagged 舆情应对 (网络上的质疑和批评, a case of a
    # video spreading online); frontline names 执法过程被拍摄传播 as a stressor, and its case
    # officer loses sleep after the video circulates online.
    {
        "query": "被网暴",
        "kind": "word",
        "relevant": {
            "crisis-public-relations": 2,
            "frontline-law-enforcement-resilience": 1,
        },
    },
    # Revenge bedtime procrastination: women-health's sleep lesson describes scrolling the phone
    # late at night as "报复性" relaxation and proposes a 关机时间 (tag 睡眠); sleep-hygiene
    # covers no phone in bed, screens off an hour before bed and a wind-down routine.
    {
        "query": "报复性熬夜",
        "kind": "word",
        "relevant": {"women-health-and-emotion": 2, "sleep-hygiene": 1},
    },
    # Drinking to cope: simple-stress-relief (借酒消愁 as an unhealthy outlet, lesson + quiz);
    # work-stress (借酒消愁 as 回避式应对); sleep-hygiene (不要用饮酒助眠, lesson + quiz).
    {
        "query": "喝酒解愁",
        "kind": "word",
        "relevant": {
            "simple-stress-relief": 1,
            "work-stress-resilience": 1,
            "sleep-hygiene": 1,
        },
    },
    # Caring for both children and elderly parents: the three 双重压力 courses. dual-pressure
    # names 孩子的学习、老人的身体 as the caregiving load; the salon's case is a cadre with a
    # child in 初三 and a sick mother-in-law; role-balance maps the roles 妻子、母亲、女儿 and
    # sharing of 照料分工 (老人需要照顾, 接孩子).
    {
        "query": "上有老下有小",
        "kind": "word",
        "relevant": {
            "dual-pressure-and-self-care": 2,
            "womens-day-salon": 2,
            "role-balance-workshop": 2,
        },
    },
    # Giving up / lying flat: ideals-and-meaning (意义感 against 倦怠 and mechanical work) and
    # motivating-teams (内在动力; case of a 骨干 who feels 做多做少一个样) are about it;
    # correct-view's case feels 干多干少一个样 after a setback; recognising describes 提不起劲
    # and 兴趣减退.
    {
        "query": "躺平",
        "kind": "word",
        "relevant": {
            "ideals-and-meaning": 2,
            "motivating-teams": 2,
            "correct-view-of-achievement": 1,
            "recognising-common-distress": 1,
        },
    },
    # No one to confide in: simple-stress-relief (倾诉 and 社会支持 paragraph); political-ethics
    # (谈心谈话 lesson: saying one's 困惑和压力 is itself a release); young-cadre (找到可以请教和
    # 倾诉的人); dual-pressure (speaking up, friends, 找人倾诉); the women's salon is a space to
    # share and support each other; seeking-professional-help (don't bear it alone; counselling).
    {
        "query": "心里话没人说",
        "kind": "word",
        "relevant": {
            "simple-stress-relief": 1,
            "political-ethics-psychology": 1,
            "young-cadre-career-growth": 1,
            "dual-pressure-and-self-care": 1,
            "womens-day-salon": 1,
            "seeking-professional-help": 1,
        },
    },
    # Fear of being held accountable: crisis (急于撇清责任 during a crisis, 担心被追责 after it);
    # team-building (psychological safety: admitting mistakes, not rushing to 追究个人);
    # perfectionism (对错误过度担心, 不被批评).
    {
        "query": "怕被问责",
        "kind": "word",
        "relevant": {
            "crisis-public-relations": 1,
            "team-building-and-trust": 1,
            "letting-go-of-perfectionism": 1,
        },
    },
    # Can't switch off after work: role-balance (time boundary: 下班后非紧急事务次日处理);
    # frontline (下班后仍难以放松, an "卸载" ritual before going home); sleep-hygiene (the brain
    # keeps 加班 at night; write tomorrow's tasks down); simple-stress-relief (a hobby unrelated
    # to work to switch out of work mode).
    {
        "query": "下班还惦记工作",
        "kind": "word",
        "relevant": {
            "role-balance-workshop": 1,
            "frontline-law-enforcement-resilience": 1,
            "sleep-hygiene": 1,
            "simple-stress-relief": 1,
        },
    },
    # Period mood: women-health covers physiological stages and emotion (经前期 烦躁、情绪波动).
    {
        "query": "生理期心情差",
        "kind": "word",
        "relevant": {"women-health-and-emotion": 2},
    },
    # Worrying about being ill: recognising's body-signals lesson (recurring discomfort: get
    # checked, 排除身体疾病, don't dismiss it as 心理作用); women-health (定期体检、及时就医,
    # neither blame everything on mood nor 硬扛).
    {
        "query": "总担心身体有病",
        "kind": "word",
        "relevant": {"recognising-common-distress": 1, "women-health-and-emotion": 1},
    },
    # Effort not recognised: team-building (fair 分工和考核 so 付出会被看见); motivating-teams
    # (lesson on 认可与反馈; case of a 骨干 whose suggestions got no response); correct-view
    # (显绩 vs 潜绩, worth rooted in serving people rather than 排名).
    {
        "query": "付出没人看见",
        "kind": "word",
        "relevant": {
            "team-building-and-trust": 1,
            "motivating-teams": 1,
            "correct-view-of-achievement": 1,
        },
    },
    # Suicidal thoughts: seeking-professional-help is tagged 危机识别 and covers "活着没意思" /
    # self-harm thoughts (12356, 120, lesson + quiz). The first lesson's single line on it is a
    # passing mention.
    {
        "query": "不想活了",
        "kind": "word",
        "relevant": {"seeking-professional-help": 2},
    },
    # Acquaintances asking for favours: political-ethics is about 人情请托 (summary, overview,
    # lesson, case 老同学的请托).
    {
        "query": "熟人找我办事",
        "kind": "word",
        "relevant": {"political-ethics-psychology": 2},
    },
    # Inspection overload: work-stress is about work demands (考核指标明确、任务多线并行) and its
    # case is a deputy swamped in the week before an inspection (迎检前的一周).
    {
        "query": "检查太多",
        "kind": "word",
        "relevant": {"work-stress-resilience": 2},
    },
    # Working non-stop: work-stress (pressure that lasts too long drains resources, 疲惫);
    # ideals-and-meaning (长期高负荷工作 -> 疲惫、麻木); frontline (长时间值守, 高强度工作后的
    # 反应); crisis (身心俱疲 after handling a crisis, rest time); dual-pressure (constant role
    # switching, no time of one's own); women-health (sleep squeezed by work and housework,
    # 长期熬夜透支身心).
    {
        "query": "连轴转",
        "kind": "word",
        "relevant": {
            "work-stress-resilience": 2,
            "ideals-and-meaning": 1,
            "frontline-law-enforcement-resilience": 1,
            "crisis-public-relations": 1,
            "dual-pressure-and-self-care": 1,
            "women-health-and-emotion": 1,
        },
    },
    # Afraid the unit will find out about seeking help: the first lesson's 病耻感 lesson
    # ("会不会影响提拔", data never reaches appraisal or promotion views); seeking-professional-
    # help (保密原则, 单位和组织部门都无法查看); recognising (screening results private, never
    # used for personnel decisions).
    {
        "query": "怕单位知道",
        "kind": "word",
        "relevant": {
            "mental-health-first-lesson": 2,
            "seeking-professional-help": 1,
            "recognising-common-distress": 1,
        },
    },
    # Nervous before an organisational-life meeting: party-spirit covers both (组织生活会前感到
    # 紧张 about criticism). Squarely about tension: recognising (anxiety signals) and
    # simple-stress-relief (breathing before meetings).
    {
        "query": "生活会 紧张",
        "kind": "multi",
        "relevant": {
            "party-spirit-and-healthy-mindset": 2,
            "recognising-common-distress": 1,
            "simple-stress-relief": 1,
        },
    },
    # Young and lost: young-cadre covers both (青年干部; 困惑, 理想与现实的落差, 看不到价值).
    # ideals-and-meaning is squarely about finding meaning and direction.
    {
        "query": "年轻人 迷茫",
        "kind": "multi",
        "relevant": {"young-cadre-career-growth": 2, "ideals-and-meaning": 1},
    },
    # Not getting on with colleagues: resolving-conflict covers both (同事之间的性格不合 leads to
    # conflict). Squarely about interpersonal relations: listening-and-expression (tag
    # 人际关系) and team-building (trust, less 猜疑和内耗).
    {
        "query": "同事 处不来",
        "kind": "multi",
        "relevant": {
            "resolving-conflict": 2,
            "listening-and-expression": 1,
            "team-building-and-trust": 1,
        },
    },
    # Poor sleep and short temper: frontline (睡眠不规律 and 容易"上火" / 对家人缺少耐心 in the
    # same lesson + quiz) and women-health (失眠 with 情绪不稳, 睡眠不足 makes emotions fragile)
    # cover both. sleep-hygiene is squarely about sleep; resolving-conflict handles anger
    # (暂停). Partly both: dual-pressure (suppressed emotion -> 失眠 or 突然爆发), the first
    # lesson (睡眠变差、容易烦躁; case of 老张: 入睡困难、容易发火), work-stress (烦躁; case
    # sleeping four hours and losing patience with the child).
    {
        "query": "睡不好 脾气大",
        "kind": "multi",
        "relevant": {
            "frontline-law-enforcement-resilience": 2,
            "women-health-and-emotion": 2,
            "sleep-hygiene": 1,
            "resolving-conflict": 1,
            "dual-pressure-and-self-care": 1,
            "mental-health-first-lesson": 1,
            "work-stress-resilience": 1,
        },
    },
    # Husband and housework: role-balance (lesson on sharing 家务和照料分工 with 伴侣) and
    # dual-pressure (与伴侣坦诚沟通家务分工) cover both. The salon (family meetings to plan
    # 家务; case with the husband working away) and women-health (negotiate evening 家务 with
    # family) cover part.
    {
        "query": "老公 家务",
        "kind": "multi",
        "relevant": {
            "role-balance-workshop": 2,
            "dual-pressure-and-self-care": 2,
            "womens-day-salon": 1,
            "women-health-and-emotion": 1,
        },
    },
    # Agitated members of the public: frontline covers both (on-site 情绪激动、冲突一触即发,
    # case of a crowd filming a demolition). listening-and-expression (接待来访群众, listening
    # eases 矛盾) and crisis (突发事件, public anger and 质疑) cover one side.
    {
        "query": "群众 闹事",
        "kind": "multi",
        "relevant": {
            "frontline-law-enforcement-resilience": 2,
            "listening-and-expression": 1,
            "crisis-public-relations": 1,
        },
    },
    # Unfair division of work: team-building covers both (公开、公正的分工和考核 reduces 猜疑和
    # 内耗). role-balance covers an unfair household division (家务和照料分工, "家里什么事都是
    # 我管").
    {
        "query": "分工 不公平",
        "kind": "multi",
        "relevant": {"team-building-and-trust": 2, "role-balance-workshop": 1},
    },
    # Stiff neck and shoulders: simple-stress-relief covers both (肩颈和背部肌肉紧绷, progressive
    # muscle relaxation). recognising and frontline list 颈肩酸痛 among stress body signals.
    {
        "query": "肩颈 僵硬",
        "kind": "multi",
        "relevant": {
            "simple-stress-relief": 2,
            "recognising-common-distress": 1,
            "frontline-law-enforcement-resilience": 1,
        },
    },
]
