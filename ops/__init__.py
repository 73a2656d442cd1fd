"""Dev and ops tooling: start/stop (supervisor, services, cluster), evaluation, benchmarks and their one stats
module, the fake Telegram Bot API, generators, reports and content checks. Never part of the bot at run time: no
runtime package (actions, gsdoa_content, gsdoa_nlu, bot) imports it and no image copies it
(tests/deploy/test_image_contents.py, .dockerignore)."""
