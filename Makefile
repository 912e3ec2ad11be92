# Shortcuts for the two commands of the README (tasks.py does the work, also on Windows).
.PHONY: lab test execute
lab:
	python3 tasks.py lab
test:
	python3 tasks.py test
execute:
	python3 tasks.py execute
