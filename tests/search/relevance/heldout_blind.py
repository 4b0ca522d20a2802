"""Blind held-out judged queries over the demo catalogue (courses/demo/catalogue.json).

Written on 2026-11-30 by an independent reader (a helper session started for this task), from
the catalogue alone: no search was run, and neither the search engine's code, its synonym lists
and lexicons, the git history nor the README were read. The queries are what a cadre would type
into the platform's search box in their own everyday words when they have a problem or want
help; the relevant courses mostly express the topic in other, more formal words. None repeats
(or nearly repeats) a query of judgements.py, heldout.py or heldout_everyday.py.

This file is the blind measure of the search engine: its queries must not be read by whoever
changes the search engine's word lists (synonyms, lexicons). Once they have been read, it is no
longer blind and a new set must be written by someone who has not seen the engine.

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

HELDOUT_BLIND = [
    # Harried and overwhelmed: work-stress is about work demands (任务多线并行; case of 小刘
    # swamped before an inspection, 不知从何下手). crisis (慌乱失措, 隧道视野; case of a deputy
    # district head 思绪混乱, not knowing which call to return); perfectionism's 足够好 and
    # priorities; dual-pressure (两头都想做好, constant role switching) and role-balance (saying
    # yes to everything leaves the important undone) deal with competing demands.
    {
        "query": "焦头烂额",
        "kind": "word",
        "relevant": {
            "work-stress-resilience": 2,
            "crisis-public-relations": 1,
            "letting-go-of-perfectionism": 1,
            "dual-pressure-and-self-care": 1,
            "role-balance-workshop": 1,
        },
    },
    # Poor resilience ("weak nerves"): work-stress trains 抗压能力 and teaches it is not innate
    # but built by habit (lesson + quiz). frontline (抗压 for enforcement; tension comes from the
    # post, 并不说明个人不够坚强); the first lesson (提高干部心理素质 document; caring for mental
    # health is not 软弱; stress is unrelated to 意志强弱).
    {
        "query": "心理素质差",
        "kind": "word",
        "relevant": {
            "work-stress-resilience": 2,
            "frontline-law-enforcement-resilience": 1,
            "mental-health-first-lesson": 1,
        },
    },
    # Waking too early: sleep-hygiene treats 早醒 and 夜间易醒 head-on (overview, lesson).
    # recognising lists 入睡困难、早醒 among signals; women-health (tag 睡眠) covers disturbed
    # sleep in its stages and its sleep lesson.
    {
        "query": "总是早醒",
        "kind": "word",
        "relevant": {
            "sleep-hygiene": 2,
            "recognising-common-distress": 1,
            "women-health-and-emotion": 1,
        },
    },
    # Can't feel happy (low mood, loss of pleasure): recognising has the lesson 情绪低落与焦虑
    # (提不起劲、对原来喜欢的事失去兴趣). seeking-help (情绪困扰持续两周), ideals-and-meaning
    # (情绪低落、兴趣减退 needs professional care), correct-view (情绪低落 after a setback) and
    # dual-pressure (情绪低落 from double pressure; see a counsellor) treat it in part.
    {
        "query": "高兴不起来",
        "kind": "word",
        "relevant": {
            "recognising-common-distress": 2,
            "seeking-professional-help": 1,
            "ideals-and-meaning": 1,
            "correct-view-of-achievement": 1,
            "dual-pressure-and-self-care": 1,
        },
    },
    # Short temper: frontline (容易"上火", 火气上涌 case, 停-呼吸-观察-回应); resolving-conflict
    # (愤怒时"暂停"); simple-stress-relief (healthy outlets vs taking it out on family or
    # subordinates); dual-pressure (suppressed emotion bursts out; name, accept, respond).
    # No course is mainly about anger.
    {
        "query": "火气大",
        "kind": "word",
        "relevant": {
            "frontline-law-enforcement-resilience": 1,
            "resolving-conflict": 1,
            "simple-stress-relief": 1,
            "dual-pressure-and-self-care": 1,
        },
    },
    # Overthinking and worrying: recognising is about anxiety (停不下来的担心, things not yet
    # happened rehearsed in the head). sleep-hygiene's wind-down lesson (write worries down to
    # stop 躺在床上反复思考); perfectionism (对错误过度担心, 反复担心有疏漏).
    {
        "query": "胡思乱想",
        "kind": "word",
        "relevant": {
            "recognising-common-distress": 2,
            "sleep-hygiene": 1,
            "letting-go-of-perfectionism": 1,
        },
    },
    # Revising documents over and over: perfectionism (反复检查, 一份材料改了十几遍, case of a
    # report revised seventeen times; set a 完成标准 and stop).
    {
        "query": "材料改了又改",
        "kind": "word",
        "relevant": {"letting-go-of-perfectionism": 2},
    },
    # Not rated excellent / commended: correct-view is about facing 考核结果 (考核结果不理想,
    # lesson on appraisal results). motivating-teams' case is a 骨干 who missed 评优 and feels
    # 做多做少一个样 (recognition lesson, from the manager's side).
    {
        "query": "评优没评上",
        "kind": "word",
        "relevant": {"correct-view-of-achievement": 2, "motivating-teams": 1},
    },
    # Just became a civil servant: young-cadre is about 入职初期, the shift 从学生到干部 and
    # adapting to grassroots work.
    {
        "query": "刚考上公务员",
        "kind": "word",
        "relevant": {"young-cadre-career-growth": 2},
    },
    # Work feels pointless: ideals-and-meaning is about 意义感 (机械地完成任务, 只顾低头拉车).
    # young-cadre (琐碎、看不到价值, finding 意义感); motivating-teams (内在动力; disengaged 骨干);
    # recognising (提不起劲、兴趣减退 as low-mood signs). seeking-help's "活着没意思" is another
    # matter (0).
    {
        "query": "上班没意思",
        "kind": "word",
        "relevant": {
            "ideals-and-meaning": 2,
            "young-cadre-career-growth": 1,
            "motivating-teams": 1,
            "recognising-common-distress": 1,
        },
    },
    # How to praise subordinates: motivating-teams has the lesson 认可与反馈 (真诚、具体的认可,
    # 公开表扬). listening-and-expression covers 肯定下属 (肯定时具体真诚).
    {
        "query": "怎么夸下属",
        "kind": "word",
        "relevant": {"motivating-teams": 2, "listening-and-expression": 1},
    },
    # Offending people by the way one talks: listening-and-expression is about 清晰而不伤人的表达.
    # resolving-conflict (words said in anger, 沟通句式); party-spirit (criticise 对事不对人, 怕伤了
    # 和气); role-balance (requests instead of complaints, 温和而坚定 refusals that keep the
    # relationship); political-ethics (得体的拒绝用语 against 怕得罪人).
    {
        "query": "说话得罪人",
        "kind": "word",
        "relevant": {
            "listening-and-expression": 2,
            "resolving-conflict": 1,
            "party-spirit-and-healthy-mindset": 1,
            "role-balance-workshop": 1,
            "political-ethics-psychology": 1,
        },
    },
    # A subordinate talks back: resolving-conflict is about work conflict (上下级之间的期待差异,
    # anger pause). listening-and-expression (上下级沟通, subordinates feel respected);
    # team-building (psychological safety: welcome 不同意见 instead of punishing them).
    {
        "query": "下属顶撞我",
        "kind": "word",
        "relevant": {
            "resolving-conflict": 2,
            "listening-and-expression": 1,
            "team-building-and-trust": 1,
        },
    },
    # Leadership group not united: team-building is about team trust (猜疑和内耗, 心理安全感).
    # resolving-conflict covers conflict among colleagues (性格不合, 立场 vs 利益).
    {
        "query": "班子不团结",
        "kind": "word",
        "relevant": {"team-building-and-trust": 2, "resolving-conflict": 1},
    },
    # Trending online: crisis-public-relations is tagged 舆情应对 (video spreading online, 网络上
    # 的质疑). frontline names 执法过程被拍摄传播 as a stressor; its case video circulates online.
    {
        "query": "上热搜",
        "kind": "word",
        "relevant": {
            "crisis-public-relations": 2,
            "frontline-law-enforcement-resilience": 1,
        },
    },
    # Journalists at the door: crisis-public-relations (媒体, role-play as 新闻发言人 facing
    # 记者, first response in a public-opinion incident).
    {
        "query": "记者找上门",
        "kind": "word",
        "relevant": {"crisis-public-relations": 2},
    },
    # Working mother: the three 双重压力 courses (work plus children: 孩子的学习; case with a
    # child in 初三; roles 妻子、母亲). women-health's sleep lesson covers nights spent caring for
    # children after work.
    {
        "query": "职场妈妈",
        "kind": "word",
        "relevant": {
            "dual-pressure-and-self-care": 2,
            "womens-day-salon": 2,
            "role-balance-workshop": 2,
            "women-health-and-emotion": 1,
        },
    },
    # Hormonal imbalance (lay phrase): women-health is about 激素水平 changes across 生理阶段 and
    # their effect on mood and sleep.
    {
        "query": "内分泌失调",
        "kind": "word",
        "relevant": {"women-health-and-emotion": 2},
    },
    # Seeing a "psychological doctor": seeking-professional-help (心理咨询, 转介 to psychiatric
    # services). First lesson (放下病耻感: seeing a counsellor is like seeing a doctor);
    # recognising (精神科医生 assess; screening leads to a counsellor or 心身医学科).
    {
        "query": "看心理医生",
        "kind": "word",
        "relevant": {
            "seeking-professional-help": 2,
            "mental-health-first-lesson": 1,
            "recognising-common-distress": 1,
        },
    },
    # Listening to music to unwind: mind-body is tagged 音乐放松. The salon has a music-relaxation
    # part (summary); simple-stress-relief lists 听音乐 among healthy outlets and offers guided
    # music audio. Single list items in sleep-hygiene and women-health are passing (0).
    {
        "query": "听音乐",
        "kind": "word",
        "relevant": {
            "mind-body-experience-hall": 2,
            "womens-day-salon": 1,
            "simple-stress-relief": 1,
        },
    },
    # Stomach ache when busy: recognising's body-signals lesson (stress shows as 胃部不适, get
    # checked first). frontline lists 胃肠不适 among stress reactions (lesson + quiz).
    {
        "query": "一忙就胃疼",
        "kind": "word",
        "relevant": {
            "recognising-common-distress": 2,
            "frontline-law-enforcement-resilience": 1,
        },
    },
    # Too hard on oneself: perfectionism (tag 自我要求; 自我关怀 lesson: 对自己格外苛刻).
    # salon (case of a cadre blaming herself for days; 足够好 instead of 完美兼顾);
    # dual-pressure (accept emotions without judging "我不该这样"; caring for oneself is not 自私).
    {
        "query": "对自己太苛刻",
        "kind": "word",
        "relevant": {
            "letting-go-of-perfectionism": 2,
            "womens-day-salon": 1,
            "dual-pressure-and-self-care": 1,
        },
    },
    # Catching up on sleep at the weekend: sleep-hygiene (fixed wake time, 周末也不要相差太多)
    # and women-health (周末不要过度补觉) cover both.
    {
        "query": "周末 补觉",
        "kind": "multi",
        "relevant": {"sleep-hygiene": 2, "women-health-and-emotion": 2},
    },
    # Disappointed after a transfer: correct-view covers both (岗位调整与预期不符, 失落期).
    # young-cadre is squarely about adapting to a role (tag 角色适应).
    {
        "query": "调岗 失落",
        "kind": "multi",
        "relevant": {"correct-view-of-achievement": 2, "young-cadre-career-growth": 1},
    },
    # Refusing gifts: political-ethics covers both (一张卡, 两盒茶叶 in the 请托 case; prepared
    # 拒绝用语). role-balance is squarely about saying no (tag 边界设定, lesson 学会说"不").
    {
        "query": "送礼 拒绝",
        "kind": "multi",
        "relevant": {"political-ethics-psychology": 2, "role-balance-workshop": 1},
    },
    # Guilt towards one's child: dual-pressure (对家人心怀愧疚; 孩子的学习), the salon (case: missed
    # a child's 家长会, days of 自责) and role-balance (role map: which role makes you 最内疚;
    # mother role, asking the partner to 接孩子) cover both.
    {
        "query": "孩子 愧疚",
        "kind": "multi",
        "relevant": {
            "dual-pressure-and-self-care": 2,
            "womens-day-salon": 2,
            "role-balance-workshop": 2,
        },
    },
    # Family doesn't understand: role-balance covers both (与伴侣坦诚交流各自的压力和需要, "我"
    # requests, fear of seeming 不顾家). dual-pressure and the salon are squarely about family.
    # political-ethics' "不被理解" is about principles, not family (0).
    {
        "query": "家人 不理解",
        "kind": "multi",
        "relevant": {
            "role-balance-workshop": 2,
            "dual-pressure-and-self-care": 1,
            "womens-day-salon": 1,
        },
    },
    # High score on the psychological test: recognising's screening lesson covers both (得分偏高
    # means a prompt, not a diagnosis). The first lesson explains the privacy of 心理自评结果.
    # The experience hall's "不打分、不测评" is not about it (0).
    {
        "query": "测评 分数高",
        "kind": "multi",
        "relevant": {
            "recognising-common-distress": 2,
            "mental-health-first-lesson": 1,
        },
    },
    # A subordinate makes a mistake: team-building covers both (先分析原因而不是急于追究个人,
    # members dare to 承认失误). Squarely about subordinates: motivating-teams (feedback on
    # problems), listening-and-expression (批评下属就事论事). Squarely about mistakes:
    # perfectionism (善待失误).
    {
        "query": "下属 犯错",
        "kind": "multi",
        "relevant": {
            "team-building-and-trust": 2,
            "motivating-teams": 1,
            "listening-and-expression": 1,
            "letting-go-of-perfectionism": 1,
        },
    },
    # Losing one's temper in a meeting: resolving-conflict covers both (协调会 where tempers
    # flare; "暂停, 半小时后再谈"). party-spirit (before and in 组织生活会: note it down and answer
    # calmly after the meeting) and the first lesson (case: 老张 loses his temper in a
    # department meeting) touch both; frontline, simple-stress-relief and dual-pressure are
    # squarely about handling anger / emotional outbursts.
    {
        "query": "开会 发火",
        "kind": "multi",
        "relevant": {
            "resolving-conflict": 2,
            "party-spirit-and-healthy-mindset": 1,
            "mental-health-first-lesson": 1,
            "frontline-law-enforcement-resilience": 1,
            "simple-stress-relief": 1,
            "dual-pressure-and-self-care": 1,
        },
    },
]
