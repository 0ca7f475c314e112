"""申請管理 screens: resident-facing forms (``public``) and the staff queue (``staff``).

Server-rendered Jinja2, no inline script or style (CSP ``script-src 'self'``), usable without
JavaScript. The resident pages use their own base template (``templates/apply/_base.html``) and
stylesheet (``static/apply.css``); the staff pages extend the staff shell.
"""
