// Resident pickers (issue 14): suggestions while typing. Without this script the 查找 button
// posts the form back and the page lists the residents found; with it, typing lists them under
// the box and choosing one leaves a single checked radio carrying her id under the form's
// field name, exactly as the page without script would.
(function () {
  'use strict';

  function line(item, box) {
    var parts = [item.name];
    if (item.address) parts.push(item.address);
    if (item.birth_year) parts.push(box.dataset.born.replace('{year}', item.birth_year));
    if (item.id_tail) parts.push(box.dataset.tail + ' ' + item.id_tail);
    return parts;
  }

  function setup(box) {
    var field = box.dataset.picker;
    var input = box.querySelector('input[type=search]');
    var list = box.querySelector('.picker-suggest');
    var choices = box.querySelector('.picker-choices');
    if (!field || !input || !list || !choices || box.dataset.pickerReady) return;
    box.dataset.pickerReady = '1';
    var items = [];
    var active = -1;
    var seq = 0;
    var timer = null;

    function hide() {
      list.hidden = true;
      list.replaceChildren();
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }

    function mark(i) {
      var nodes = list.querySelectorAll('li[role=option]');
      nodes.forEach(function (n, k) { n.setAttribute('aria-selected', k === i ? 'true' : 'false'); });
      active = i;
      if (nodes[i]) {
        input.setAttribute('aria-activedescendant', nodes[i].id);
        nodes[i].scrollIntoView({ block: 'nearest' });
      }
    }

    function choose(item) {
      var label = document.createElement('label');
      label.className = 'check picker-choice';
      var radio = document.createElement('input');
      radio.type = 'radio';
      radio.name = field;
      radio.value = String(item.id);
      radio.checked = true;
      label.appendChild(radio);
      var text = document.createElement('span');
      text.className = 'picker-line';
      var parts = line(item, box);
      var strong = document.createElement('strong');
      strong.textContent = parts[0];
      text.appendChild(strong);
      text.appendChild(document.createTextNode(parts.length > 1 ? ' · ' + parts.slice(1).join(' · ') : ''));
      label.appendChild(text);
      choices.replaceChildren(label);
      input.value = item.name;
      box.classList.remove('has-error');
      var err = box.querySelector('.field-error');
      if (err) err.remove();
      input.removeAttribute('aria-invalid');
      hide();
      input.focus();
    }

    function show(found, more) {
      items = found;
      list.replaceChildren();
      if (!found.length) {
        var empty = document.createElement('li');
        empty.className = 'picker-empty';
        empty.setAttribute('role', 'option');
        empty.setAttribute('aria-disabled', 'true');
        empty.textContent = box.dataset.empty;
        list.appendChild(empty);
      }
      found.forEach(function (item, i) {
        var li = document.createElement('li');
        li.id = field + '-option-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        var parts = line(item, box);
        var strong = document.createElement('strong');
        strong.textContent = parts[0];
        li.appendChild(strong);
        if (parts.length > 1) li.appendChild(document.createTextNode(' · ' + parts.slice(1).join(' · ')));
        // mousedown, not click: the box keeps focus, so the list is not closed first.
        li.addEventListener('mousedown', function (e) { e.preventDefault(); choose(item); });
        list.appendChild(li);
      });
      if (more) {
        var note = document.createElement('li');
        note.className = 'picker-empty';
        note.setAttribute('role', 'option');
        note.setAttribute('aria-disabled', 'true');
        note.textContent = box.dataset.more;
        list.appendChild(note);
      }
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      active = -1;
    }

    function search() {
      var q = input.value.trim();
      if (!q) { hide(); return; }
      var mine = ++seq;
      fetch('/api/v1/residents/pick?limit=10&q=' + encodeURIComponent(q), {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' }
      }).then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      }).then(function (data) {
        if (mine !== seq) return;
        show(data.items || [], !!data.more);
      }).catch(function () {
        if (mine !== seq) return;
        items = [];
        list.replaceChildren();
        var li = document.createElement('li');
        li.className = 'picker-empty';
        li.setAttribute('role', 'option');
        li.setAttribute('aria-disabled', 'true');
        li.textContent = box.dataset.failed;
        list.appendChild(li);
        list.hidden = false;
      });
    }

    input.addEventListener('input', function () {
      // What is typed now names someone else: the earlier choice no longer holds.
      choices.querySelectorAll('input[type=radio]').forEach(function (r) { r.checked = false; });
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    input.addEventListener('keydown', function (e) {
      if (list.hidden) {
        if (e.key === 'ArrowDown' && input.value.trim()) { search(); e.preventDefault(); }
        return;
      }
      if (e.key === 'ArrowDown') { mark(Math.min(active + 1, items.length - 1)); e.preventDefault(); }
      else if (e.key === 'ArrowUp') { mark(Math.max(active - 1, 0)); e.preventDefault(); }
      else if (e.key === 'Enter') {
        // Enter picks the marked one (or the only one) instead of sending the form.
        var pick = items[active] || (items.length === 1 ? items[0] : null);
        e.preventDefault();
        if (pick) choose(pick);
      } else if (e.key === 'Escape') { hide(); e.preventDefault(); }
    });
    input.addEventListener('blur', function () { setTimeout(hide, 100); });
  }

  document.querySelectorAll('[data-picker]').forEach(setup);
})();
