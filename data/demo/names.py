"""Name pools of the demo: cooperatives, counties, people, villages, enterprises.
"""
from __future__ import annotations

_COOPERATIVES = ("Hezhuang", "Liujiawan", "Qingshui", "Dongba", "Xinglong", "Shuangmiao", "Baiyang", "Taohuayuan",
                 "Gaoping", "Longquan", "Shiqiao", "Nanhu")
_COUNTIES = ("Pingyuan", "Linshui", "Anxi", "Fengning", "Yongchang", "Jianping", "Huaiyuan", "Luoning",
             "Xiangcheng", "Qianshan", "Weining", "Dingyuan")
_SURNAMES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun", "Hu", "Zhu",
             "Gao", "Lin", "He", "Guo", "Ma", "Luo", "Liang", "Song", "Zheng", "Xie", "Han", "Tang", "Feng", "Deng")
_GIVEN = ("Wei", "Fang", "Min", "Jing", "Lei", "Jun", "Yong", "Yan", "Jie", "Tao", "Ming", "Chao", "Xiuying", "Hua",
          "Ping", "Gang", "Hong", "Qiang", "Guiying", "Jianhua", "Jianguo", "Guoqiang", "Haiyan", "Dongmei",
          "Chunlan", "Shulan", "Zhiqiang", "Yuming", "Xiaohong", "Lihua", "Baoshan", "Fulin")
_VILLAGE_HEADS = ("Zhang", "Wang", "Li", "Zhao", "Liu", "Chen", "Yang", "Huang", "Zhou", "Wu", "Ma", "Gao", "Guo",
                  "Song", "Tian", "Cao", "Dong", "Yuan")
_VILLAGE_TAILS = ("jiazhuang", "jiacun", "zhai", "wan", "gou", "po", "ying", "tun", "qiao", "ling", "dian", "he")
_INDUSTRIES = ("Fruit Processing", "Tea Plantation", "Brick Works", "Agricultural Machinery", "Poultry Farm",
               "Feed Mill", "Rice Milling", "Greenhouse Vegetables", "Cold-chain Logistics", "Building Materials",
               "Edible Fungus", "Pig Breeding")
