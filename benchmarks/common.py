"""Shared pieces of the benchmarks: a seeded casework-like corpus and database openers.

The corpus imitates counselling notes: common casework vocabulary (Zipf-weighted), a long
tail of rare words, names, case numbers, dates and English fragments. It is synthetic:
no real client text is ever used for benchmarks.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from xinhe.records.db import Database

OUT = Path(__file__).resolve().parent / "out"
CORPUS_VERSION = 1


def _words(text: str) -> list[str]:
    return text.split()


COMMON_ZH = _words(
    "当事人 丈夫 妻子 孩子 家暴 暴力 殴打 威胁 辱骂 跟踪 控制 经济控制 冷暴力 离婚 分居 抚养权 "
    "探视 婚姻 婆婆 公公 父母 亲属 邻居 社区 居委会 妇联 派出所 民警 报警 出警 告诫书 "
    "人身安全保护令 保护令 法院 起诉 律师 法律援助 司法所 民政 救助站 庇护所 医院 验伤 伤情 "
    "照片 证据 情绪 焦虑 抑郁 失眠 哭泣 恐惧 愤怒 无助 自责 自杀 自伤 风险 高风险 中风险 "
    "低风险 危险评估 安全计划 紧急联系人 转介 回访 电话回访 上门 面谈 咨询 咨询师 督导 个案 "
    "会谈 倾听 共情 支持 资源 就业 住房 经济 工作 收入 债务 酗酒 赌博 吸毒 精神 病史 "
    "未成年人 学校 老师 强制报告 监护 监护人 女儿 儿子 前夫 男友 同居 怀孕 流产 外伤 淤青 "
    "骨折 手机 微信 短信 录音 视频 钥匙 门锁 搬家 娘家 朋友 同事 单位 领导 调解 协议 "
    "承诺 反复 升级 频繁 近期 上周 昨晚 今天 目前 本次 下次 计划 目标 进展 效果 评估 量表"
)
FILLER_ZH = _words(
    "的 了 在 是 和 她 他 我们 表示 已经 没有 一直 因为 所以 但是 如果 需要 可以 希望 认为 "
    "感到 发生 开始 继续 告知 建议 同意 拒绝 担心 决定 出现 情况 问题 过程 时候 之后 之前 "
    "以及 并且 对 与 向 从 被 把 让 给 也 都 还 很 非常 比较 多次 一次 两次 几次"
)
COMMON_EN = _words(
    "safety plan follow-up hotline police court order risk high medium low PTSD DV "
    "counselling referral shelter consent assessment session client husband children "
    "injury report warning letter protection emergency contact legal aid the and of to "
    "with was is for she he said"
)
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯"
            "邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢")
GIVEN = "丽娟敏静秀英华芳玲燕红梅霞琳婷雪慧颖晶洁莉萍兰凤明伟强军磊洋勇杰涛斌超浩鹏"
PUNCT = "，，，，。。。、；：？！"


# Each is put into a note with probability RARE_RATE, so about 8 notes in 100,000 hold it:
# fewer than a page, so a search for one must go through all of its matches.
RARE = {"1": "鳄", "2": "颞颌", "3": "螺蛳粉", "4+": "颞下颌关节紊乱", "en": "zebrafinch"}
RARE_RATE = 8 / 100_000


def _rare_words(rng: random.Random, count: int) -> list[str]:
    # About as many distinct characters as everyday written Chinese uses.
    reserved = {ord(c) for word in RARE.values() for c in word}
    pool = [chr(c) for c in rng.sample(range(0x4E00, 0x9FA6), 4000) if c not in reserved]
    return ["".join(rng.choices(pool, k=rng.choice((2, 2, 3, 3, 4)))) for _ in range(count)]


def _rare_english(rng: random.Random, count: int) -> list[str]:
    syll = _words("ka lo mi ne ru ta vo shi zen qua bri dol fen gar hux jin")
    return ["".join(rng.choice(syll) for _ in range(rng.randint(2, 4))) for _ in range(count)]


class Corpus:
    """A deterministic stream of note texts."""

    def __init__(self, seed: int = 20250101) -> None:
        self.rng = random.Random(seed)
        rng = random.Random(seed + 1)
        self.rare_zh = _rare_words(rng, 40000)
        self.rare_en = _rare_english(rng, 5000)
        zh = COMMON_ZH + FILLER_ZH
        rng.shuffle(zh)
        self.zh_words = zh
        self.zh_weights = [1.0 / (i + 1) ** 0.9 for i in range(len(zh))]
        self.en_weights = [1.0 / (i + 1) ** 0.8 for i in range(len(COMMON_EN))]

    def _name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))

    def _sentence(self) -> str:
        rng = self.rng
        parts: list[str] = []
        for _ in range(rng.randint(4, 10)):
            r = rng.random()
            if r < 0.80:
                parts.append(rng.choices(self.zh_words, self.zh_weights)[0])
            elif r < 0.86:
                parts.append(rng.choice(self.rare_zh))
            elif r < 0.90:
                parts.append(self._name())
            elif r < 0.96:
                words = rng.choices(COMMON_EN, self.en_weights, k=rng.randint(1, 4))
                if rng.random() < 0.1:
                    words.append(rng.choice(self.rare_en))
                parts.append(" " + " ".join(words) + " ")
            elif r < 0.98:
                parts.append(f"{rng.randint(2019, 2025)}年{rng.randint(1, 12)}月"
                             f"{rng.randint(1, 28)}日")
            else:
                parts.append(f"XH-{rng.randint(2019, 2025)}-{rng.randint(1, 99999):05d}")
        return "".join(parts) + rng.choice(PUNCT)

    def note(self, chars: int = 500) -> str:
        out: list[str] = []
        size = 0
        while size < chars:
            sentence = self._sentence()
            if self.rng.random() < 0.08:
                sentence += "\n"  # a paragraph break now and then
            out.append(sentence)
            size += len(sentence)
        text = "".join(out)[: chars + 20]
        for word in RARE.values():
            if self.rng.random() < RARE_RATE:
                cut = self.rng.randrange(len(text))
                text = text[:cut] + word + text[cut:]
        return text

    def title(self, case_no: int) -> str:
        return f"{self._name()} 咨询记录 XH-2025-{case_no:05d}"


class PlainishDatabase(Database):
    """The vault's own Database class with the key and memory security optional, so the
    same build of SQLite and the same connection settings are measured encrypted and plain."""

    def __init__(self, path: Path, key: bytes | None, memory_security: bool) -> None:
        self._connect(path)
        if key is not None:
            self._apply_key(key, memory_security)
        self._configure()


def open_db(path: Path, key: bytes | None, memory_security: bool = False) -> Any:
    """The production class for the production setting (memory security off since issue
    15); the look-alike otherwise."""
    if key is not None and not memory_security:
        return Database(path, key)
    return PlainishDatabase(path, key, memory_security)
