"""The reference data shipped with the product (docs/domain.md §4.2, §6, §7.1–7.2).

Ordinals follow the correspondence between leadership posts and grades: the
grades that correspond to a leadership post share its ordinal band, so a single
comparison answers "this rank and above" across all ladders.
"""

# (code, name, ladder, ordinal)
RANKS = [
    ("national_chief", "国家级正职", "leadership", 200),
    ("national_deputy", "国家级副职", "leadership", 190),
    ("provincial_chief", "省部级正职", "leadership", 180),
    ("provincial_deputy", "省部级副职", "leadership", 170),
    ("bureau_chief", "厅局级正职", "leadership", 160),
    ("bureau_deputy", "厅局级副职", "leadership", 150),
    ("county_chief", "县处级正职", "leadership", 140),
    ("county_deputy", "县处级副职", "leadership", 130),
    ("township_chief", "乡科级正职", "leadership", 120),
    ("township_deputy", "乡科级副职", "leadership", 110),
    # 综合管理类
    ("inspector_1", "一级巡视员", "comprehensive", 160),
    ("inspector_2", "二级巡视员", "comprehensive", 150),
    ("researcher_1", "一级调研员", "comprehensive", 145),
    ("researcher_2", "二级调研员", "comprehensive", 140),
    ("researcher_3", "三级调研员", "comprehensive", 135),
    ("researcher_4", "四级调研员", "comprehensive", 130),
    ("principal_clerk_1", "一级主任科员", "comprehensive", 125),
    ("principal_clerk_2", "二级主任科员", "comprehensive", 120),
    ("principal_clerk_3", "三级主任科员", "comprehensive", 115),
    ("principal_clerk_4", "四级主任科员", "comprehensive", 110),
    ("clerk_1", "一级科员", "comprehensive", 100),
    ("clerk_2", "二级科员", "comprehensive", 90),
    # 专业技术类
    ("director_1", "一级总监", "professional", 160),
    ("director_2", "二级总监", "professional", 150),
    ("senior_supervisor_1", "一级高级主管", "professional", 145),
    ("senior_supervisor_2", "二级高级主管", "professional", 140),
    ("senior_supervisor_3", "三级高级主管", "professional", 135),
    ("senior_supervisor_4", "四级高级主管", "professional", 130),
    ("supervisor_1", "一级主管", "professional", 125),
    ("supervisor_2", "二级主管", "professional", 120),
    ("supervisor_3", "三级主管", "professional", 115),
    ("supervisor_4", "四级主管", "professional", 110),
    ("technician", "专业技术员", "professional", 100),
    # 行政执法类
    ("superintendent", "督办", "law_enforcement", 150),
    ("senior_officer_1", "一级高级主办", "law_enforcement", 145),
    ("senior_officer_2", "二级高级主办", "law_enforcement", 140),
    ("senior_officer_3", "三级高级主办", "law_enforcement", 135),
    ("senior_officer_4", "四级高级主办", "law_enforcement", 130),
    ("officer_1", "一级主办", "law_enforcement", 125),
    ("officer_2", "二级主办", "law_enforcement", 120),
    ("officer_3", "三级主办", "law_enforcement", 115),
    ("officer_4", "四级主办", "law_enforcement", 110),
    ("enforcement_1", "一级行政执法员", "law_enforcement", 100),
    ("enforcement_2", "二级行政执法员", "law_enforcement", 90),
]

# (code, name, sort_order)
POST_CATEGORIES = [
    ("comprehensive", "综合管理类", 10),
    ("professional", "专业技术类", 20),
    ("law_enforcement", "行政执法类", 30),
    ("other", "其他", 40),
]

# (key, name, kind, description, sort_order)
SIGNALS = [
    ("somatization", "躯体化", "scl90_factor", "身体不适感，如头痛、胸闷、肠胃不适", 10),
    ("obsessive", "强迫症状", "scl90_factor", "反复的想法或行为，难以摆脱", 20),
    ("interpersonal", "人际关系敏感", "scl90_factor", "人际交往中的不自在与自卑感", 30),
    ("depression", "抑郁", "scl90_factor", "情绪低落、兴趣减退、精力不足", 40),
    ("anxiety", "焦虑", "scl90_factor", "紧张、不安、担忧", 50),
    ("hostility", "敌对", "scl90_factor", "烦躁、易怒、冲动", 60),
    ("phobic", "恐怖", "scl90_factor", "对特定场合或事物的紧张回避", 70),
    ("paranoid", "偏执", "scl90_factor", "猜疑、不信任他人", 80),
    ("psychoticism", "精神病性", "scl90_factor", "需由专业人员评估，仅转介心理咨询师", 90),
    ("other", "睡眠与饮食", "scl90_factor", "SCL-90 其他项目：睡眠、饮食等", 100),
    ("stress_work", "工作压力", "stress_source", "工作任务重、节奏快、责任大", 110),
    ("stress_promotion", "晋升与考核压力", "stress_source", "职务晋升、考核评价带来的压力", 120),
    ("stress_interpersonal", "人际关系压力", "stress_source", "与上级、同事、群众相处的压力", 130),
    ("stress_self_demand", "自我要求压力", "stress_source", "对自身的高标准、高期望", 140),
    ("stress_moral", "道德压力", "stress_source", "廉洁自律、从政道德方面的压力", 150),
    ("stress_family", "家庭压力", "stress_source", "家庭责任与工作兼顾的压力", 160),
]
