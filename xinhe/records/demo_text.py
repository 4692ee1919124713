"""Synthetic Chinese casework text for the demo vault. Every name, number and story here
is invented."""

from __future__ import annotations

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_F = ["秀英", "丽", "敏", "静", "丽娟", "艳", "娟", "霞", "芳", "燕", "玲", "桂英", "丹",
           "萍", "红", "玉兰", "晓燕", "婷", "雪", "慧", "欣怡", "梓涵", "佳琪", "雨欣", "思颖",
           "春梅", "美玲", "小红", "淑华", "海燕", "晓丽", "佩佩", "嘉欣", "紫萱", "诗涵"]
GIVEN_M = ["伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "超", "明", "刚", "平", "辉", "鹏",
           "浩", "宇", "俊杰", "子轩", "志强", "建华", "国平", "海波", "文斌"]

PRESENTING = [
    "与丈夫长期争吵，近一个月对方多次动手，当事人感到害怕，不敢回家。",
    "男友分手后持续骚扰，每天打几十个电话，还到公司楼下等候。",
    "婚后与婆家矛盾突出，丈夫站在父母一边，当事人情绪低落、失眠。",
    "因孩子抚养问题与前夫发生纠纷，对方扬言要把孩子带回老家。",
    "丈夫酒后打人，当事人脸部和手臂有淤青，已报警一次。",
    "夫妻因经济问题冷战三个月，当事人觉得活着没有意思。",
    "当事人发现丈夫有婚外情，情绪崩溃，想离婚但担心孩子。",
    "同居伴侣控制当事人的手机和工资，不许她和朋友来往。",
    "来深圳打工多年，与老乡丈夫关系紧张，身边没有可以倾诉的人。",
    "女儿在学校被发现身上有伤，老师怀疑家中有人打孩子。",
    "离婚后前夫仍频繁上门，砸门辱骂，邻居报过警。",
    "当事人因家庭矛盾多次在 WeChat 上留言说想结束生命，家人很担心。",
]
DATA = [
    "当事人按约来访，情绪比上次平稳，主动谈到最近一周与丈夫的冲突。",
    "电话回访，当事人说话声音很小，表示丈夫就在隔壁房间。",
    "当事人带着孩子来访，孩子在游戏室由志愿者陪伴。",
    "当事人讲述了昨晚的争吵经过，对方摔了手机并推搡她。",
    "当事人表示已搬到朋友家暂住，工作照常，睡眠有所改善。",
    "当事人谈到对离婚后生活的担忧，主要是住房和孩子上学。",
    "家访时当事人丈夫在场，谈话受到影响，约定下次在工作室面谈。",
    "当事人说最近两周没有再被打，但对方每天查看她的手机。",
]
ASSESSMENT = [
    "风险仍然存在，当事人对危险的认识比以前清楚，支持网络正在建立。",
    "情绪困扰明显，有无望感，但否认近期有自伤计划，需要持续关注。",
    "冲突呈升级趋势，需要提醒当事人保留证据，并告知保护令的申请途径。",
    "当事人应对能力较好，家人支持有力，风险较前下降。",
    "当事人对是否离开关系仍很矛盾，尊重其决定，重点放在安全上。",
]
PLAN = [
    "下周同一时间面谈；和当事人一起完善安全计划。",
    "协助联系法律援助，了解离婚诉讼和财产分割。",
    "一周内电话回访，如有危险立即拨打110。",
    "转介社区妇女儿童维权服务站，安排家长学校课程。",
    "与督导讨论是否需要申请人身安全保护令。",
]
SHORT = ["凤凰岗社区工作站", "朋友家", "母亲", "同事小林", "妹妹", "社区网格员",
         "派出所民警", "公司人事", "楼下便利店", "房东"]
ACTIONS = ["现场稳定情绪，陪同当事人到派出所报案，联系家属接回。",
           "电话持续陪伴四十分钟，确认当事人所在位置并通知民警上门。",
           "协助当事人带孩子到临时庇护点，联系民政部门安排住宿。",
           "与当事人共同制定当晚的安全计划，约定每两小时报一次平安。"]


def person_name(rng: random.Random, female: bool = True) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_F if female else GIVEN_M)


def phone(rng: random.Random) -> str:
    return rng.choice(["13", "15", "18", "17"]) + "".join(rng.choice("0123456789")
                                                         for _ in range(9))


def paragraph(rng: random.Random, bank: list[str], sentences: int = 2) -> str:
    return "".join(rng.sample(bank, k=min(sentences, len(bank))))


def long_text_for(field_id: str, rng: random.Random) -> str:
    if field_id in ("data",):
        return paragraph(rng, DATA, 3)
    if field_id in ("assessment",):
        return paragraph(rng, ASSESSMENT, 2)
    if field_id in ("plan", "next_steps"):
        return paragraph(rng, PLAN, 2)
    if field_id in ("actions",):
        return rng.choice(ACTIONS)
    if field_id in ("presenting_issue", "incident_summary"):
        return paragraph(rng, PRESENTING, 2)
    return paragraph(rng, DATA + ASSESSMENT, 2)
