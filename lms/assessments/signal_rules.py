"""Signal → course rules: which kinds of course (roles) and curricula (tracks) help with
each assessment signal, why, and how the cadre is told (issue 15; docs/signal-rules.md).

A proposal awaiting clinical sign-off, kept as data: administrators with the
`lms.change_profilerules` permission edit it in ProfileRules (基础数据 → 心理档案规则), whose
revisions are the audit trail. This module ships the starting point and the checks an
edit must pass.

Each rule: {"roles": {role: weight}, "tracks": {track: weight}, "rationale": "…",
"phrase": "…"}, weights in (0, 1]. `rationale` is for the reviewers (what the factor or
stress source means, which kind of course helps); `phrase` is what the cadre reads in a
recommendation's reason, in plain words, never a clinical label. Psychoticism is followed
up by a counsellor: courses only guide towards help.
"""

from django.utils.translation import gettext as _

from courses.models import CourseRole, Track

WEIGHT_RANGE = (0.0, 1.0)  # exclusive, inclusive

SELF_HELP, HELP, EDUCATION, PEERS = (  # the kinds of course the rules name
    CourseRole.SELF_HELP.value,
    CourseRole.HELP_SEEKING.value,
    CourseRole.PSYCHO_EDUCATION.value,
    CourseRole.PEER_ACTIVITY.value,
)

DEFAULT_SIGNAL_RULES = {
    "somatization": {
        "roles": {SELF_HELP: 1.0, EDUCATION: 0.6},
        "tracks": {"stress_resilience": 0.6, "popular_science": 0.6},
        "rationale": "躯体化：压力常以头痛、胸闷、失眠、肠胃不适等身体不适表现出来；"
        "放松训练、睡眠卫生等自助方法和认识身心信号的科普最直接。",
        "phrase": "您最近可能常感到身体不适",
    },
    "obsessive": {
        "roles": {SELF_HELP: 1.0, EDUCATION: 0.4},
        "tracks": {"stress_resilience": 1.0},
        "rationale": "强迫症状：反复检查、想法难以摆脱，常与完美主义和过高的自我要求相伴；"
        "自我要求调适和减压练习有帮助。",
        "phrase": "您最近可能总有些事放不下",
    },
    "interpersonal": {
        "roles": {SELF_HELP: 1.0, EDUCATION: 0.5, PEERS: 0.4},
        "tracks": {"communication": 0.6},
        "rationale": "人际关系敏感：容易觉得被轻视、自卑、在人前不自在；倾听与表达、化解冲突等"
        "为自己练习的沟通方法有帮助，带队伍、搞激励的管理课程不对症。",
        "phrase": "您最近在与人相处时可能容易感到不自在",
    },
    "depression": {
        "roles": {EDUCATION: 1.0, HELP: 0.8, SELF_HELP: 0.6},
        "tracks": {"popular_science": 1.0},
        "rationale": "抑郁：情绪低落、兴趣减退、精力不足；先认识常见心理困扰、知道何时和如何"
        "求助，再学简单的自我调节。",
        "phrase": "您最近的心情可能有些低落",
    },
    "anxiety": {
        "roles": {SELF_HELP: 1.0, EDUCATION: 0.5},
        "tracks": {"stress_resilience": 0.8, "popular_science": 0.6},
        "rationale": "焦虑：紧张、不安、担忧；放松和减压方法最直接，心理科普帮助认识焦虑；"
        "危机公关等工作技能课不是焦虑的照护。",
        "phrase": "您最近可能容易紧张、担心",
    },
    "hostility": {
        "roles": {SELF_HELP: 1.0},
        "tracks": {"communication": 0.6, "stress_resilience": 0.5},
        "rationale": "敌对：烦躁、易怒、冲动；情绪管理和化解冲突的练习有帮助。易怒不是品德问题，"
        "不推荐从政道德课程。",
        "phrase": "您最近可能比较容易烦躁",
    },
    "phobic": {
        "roles": {EDUCATION: 1.0, SELF_HELP: 0.6, HELP: 0.5},
        "tracks": {"popular_science": 0.8},
        "rationale": "恐怖：对特定场合或事物紧张回避；先认识这种反应，练习放松，"
        "必要时求助专业人员。",
        "phrase": "您最近可能对某些场合感到紧张不安",
    },
    "paranoid": {
        "roles": {EDUCATION: 1.0, HELP: 0.8, SELF_HELP: 0.5},
        "tracks": {"popular_science": 0.6, "communication": 0.4},
        "rationale": "偏执：猜疑、不信任他人；先认识这种感受、知道可以找专业人员谈谈，"
        "再学沟通中建立信任的方法。",
        "phrase": "您最近可能不太容易信任身边的人",
    },
    "psychoticism": {
        "roles": {HELP: 1.0, EDUCATION: 0.6},
        "tracks": {"popular_science": 0.5},
        "rationale": "精神病性：需由专业人员评估，由心理咨询师跟进；"
        "课程只引导求助和基本的心理科普，不以课程代替评估。",
        "phrase": "您的自评中有几项值得和专业人员聊一聊",
    },
    "other": {
        "roles": {SELF_HELP: 1.0, EDUCATION: 0.4},
        "tracks": {},
        "rationale": "其他项目（睡眠、饮食）：专讲睡眠卫生、身心放松的课程最直接；"
        "不泛泛推荐整个抗压专题。",
        "phrase": "您最近的睡眠或饮食可能不太规律",
    },
    "stress_work": {
        "roles": {SELF_HELP: 1.0, EDUCATION: 0.5},
        "tracks": {"stress_resilience": 1.0},
        "rationale": "工作压力：任务重、节奏快、责任大；工作抗压训练和减压方法最直接。",
        "phrase": "您提到工作压力比较大",
    },
    "stress_promotion": {
        "roles": {SELF_HELP: 1.0, EDUCATION: 0.8},
        "tracks": {},
        "rationale": "晋升与考核压力：专讲政绩观、考核焦虑和职业发展的课程最对症；它不是廉洁问题，"
        "不泛泛推荐从政道德专题。",
        "phrase": "您提到晋升和考核带来的压力",
    },
    "stress_interpersonal": {
        "roles": {SELF_HELP: 1.0, EDUCATION: 0.4},
        "tracks": {"communication": 1.0},
        "rationale": "人际关系压力：与上级、同事、群众相处的压力；沟通与化解冲突的方法有帮助。",
        "phrase": "您提到与人相处带来的压力",
    },
    "stress_self_demand": {
        "roles": {SELF_HELP: 1.0},
        "tracks": {"stress_resilience": 0.8},
        "rationale": "自我要求压力：对自己标准高、期望高；完美主义与自我要求调适最对症。",
        "phrase": "您提到对自己要求很高",
    },
    "stress_moral": {
        "roles": {EDUCATION: 1.0, PEERS: 0.5},
        "tracks": {"political_ethics": 1.0},
        "rationale": "道德压力：廉洁自律、从政道德方面的压力；从政道德心理和党性修养的课程对症。",
        "phrase": "您提到廉洁自律方面的压力",
    },
    "stress_family": {
        "roles": {SELF_HELP: 1.0, PEERS: 0.6},
        "tracks": {"women_dual_pressure": 1.0},
        "rationale": "家庭压力：家庭责任与工作难以兼顾；双重压力调适、角色平衡和同伴沙龙有帮助。",
        "phrase": "您提到工作和家庭难以兼顾",
    },
}


def validate_signal_rules(rules, signals, clinical_names) -> list[str]:
    """Every problem of a rules document, in the user's language (empty when it is sound).

    `signals`: the known signal keys; `clinical_names`: the SCL-90 factors' clinical names,
    which a phrase a cadre reads must not carry."""
    problems = []
    if not isinstance(rules, dict):
        return [_("The rules must be a JSON object of signal keys.")]
    roles, tracks = set(CourseRole.values), set(Track.values)
    low, high = WEIGHT_RANGE
    for key, rule in rules.items():
        if key not in signals:
            problems.append(_("Unknown signal “%(key)s”.") % {"key": key})
            continue
        if not isinstance(rule, dict):
            problems.append(_("The rule of “%(key)s” must be a JSON object.") % {"key": key})
            continue
        unknown = set(rule) - {"roles", "tracks", "rationale", "phrase"}
        if unknown:
            problems.append(
                _("The rule of “%(key)s” has unknown entries: %(names)s.")
                % {"key": key, "names": "、".join(sorted(unknown))}
            )
        for part, known, label in (("roles", roles, _("role")), ("tracks", tracks, _("track"))):
            weights = rule.get(part, {})
            if not isinstance(weights, dict):
                problems.append(
                    _("“%(part)s” of “%(key)s” must be a JSON object.") % {"part": part, "key": key}
                )
                continue
            for name, weight in weights.items():
                if name not in known:
                    problems.append(
                        _("The rule of “%(key)s” names an unknown %(label)s “%(name)s”.")
                        % {"key": key, "label": label, "name": name}
                    )
                elif (
                    isinstance(weight, bool)
                    or not isinstance(weight, int | float)
                    or not low < weight <= high
                ):
                    problems.append(
                        _("The weight of “%(name)s” for “%(key)s” must be above 0 and at most 1.")
                        % {"name": name, "key": key}
                    )
        if not str(rule.get("rationale", "")).strip():
            problems.append(_("The rule of “%(key)s” needs a rationale.") % {"key": key})
        phrase = str(rule.get("phrase", ""))
        if (rule.get("roles") or rule.get("tracks")) and not phrase.strip():
            problems.append(
                _("The rule of “%(key)s” needs a phrase the cadre reads.") % {"key": key}
            )
        clinical = [name for name in clinical_names if name and name in phrase]
        if clinical:
            problems.append(
                _("The phrase of “%(key)s” must not use the clinical name “%(name)s”.")
                % {"key": key, "name": clinical[0]}
            )
    return problems
