"""An in-process chat model (transformers) as a LangChain ``BaseChatModel``.

``local:PATH`` takes a Hugging Face model directory or a ``.gguf`` file (transformers
de-quantises GGUF itself; it needs the ``gguf`` and ``accelerate`` packages).
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Iterator

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from rag.errors import LLMUnavailableError

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


class LocalChatModel(BaseChatModel):
    model: Any
    tokenizer: Any
    max_new_tokens: int = 160

    @classmethod
    def load(cls, path: str) -> "LocalChatModel":
        p = Path(path).expanduser()
        if not p.exists():
            raise LLMUnavailableError(f"no local model at {p}; give a model directory or a .gguf file")
        try:
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError:
            raise LLMUnavailableError("the 'transformers' package is missing: pip install 'news-rag[llm]'") from None
        kw = {"gguf_file": p.name} if p.suffix == ".gguf" else {}
        where = str(p.parent if kw else p)
        try:
            tok = AutoTokenizer.from_pretrained(where, **kw)
            model = AutoModelForCausalLM.from_pretrained(where, **kw).eval()
        except Exception as e:  # missing gguf/accelerate, corrupt file, unknown architecture
            raise LLMUnavailableError(f"cannot load local model {p}: {e}; for .gguf files: pip install gguf accelerate") from None
        return cls(model=model, tokenizer=tok)

    @property
    def _llm_type(self) -> str:
        return "local-transformers"

    def _inputs(self, messages: list[BaseMessage]):
        chat = [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]
        return self.tokenizer.apply_chat_template(chat, add_generation_prompt=True, return_tensors="pt",
                                                  return_dict=True)

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        text = "".join(c.message.content for c in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages, stop=None, run_manager=None, **kwargs) -> Iterator[ChatGenerationChunk]:
        from transformers import TextIteratorStreamer

        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        args = dict(**self._inputs(messages), max_new_tokens=self.max_new_tokens, do_sample=False,
                    streamer=streamer, pad_token_id=self.tokenizer.eos_token_id)
        worker = threading.Thread(target=self.model.generate, kwargs=args, daemon=True)
        worker.start()
        for piece in streamer:
            if piece:
                yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
        worker.join()
