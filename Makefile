# Shortcuts for the README's commands (tasks.py does the work, also on Windows).
.PHONY: lab test execute slides
lab:
	python3 tasks.py lab
test:
	python3 tasks.py test
execute:
	python3 tasks.py execute
slides:
	python3 tasks.py slides
