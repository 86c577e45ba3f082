"""Search over published listings: text normalised once (OpenCC Traditional→Simplified,
jieba segmentation, English stemming) and handed to one of several engines behind one
interface, so that every engine sees the same tokens."""
