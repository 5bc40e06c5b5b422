"""Pure helpers with no dependency on the rest of `modules`: anything may import them.

`terraform_literal` (user text as Terraform literals, and back: constructs, export, policy and
review all need it, so it sits below them), `wording` (counted nouns for messages).
"""
