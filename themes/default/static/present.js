/* qaportal presentation views: one slide per screen, moved with a presenter's clicker or the
 * keyboard. A clicker sends PageDown/PageUp (some send the arrow keys), and its "blank screen"
 * button B or a period. Every key moves exactly one slide; the slide's id goes into the address,
 * so a reload or a shared link opens the same slide. A slide whose content is still taller than
 * the screen (a smaller projector, a browser zoom) is set in smaller type until it fits, and
 * scrolls if even that is not enough: nothing is ever cut. ES2017, no dependencies. */
(function () {
  'use strict';
  var slides = Array.prototype.slice.call(document.querySelectorAll('[data-slide]'));
  if (slides.length === 0) return;
  var root = document.documentElement;
  root.classList.add('deck-js');

  var counter = document.createElement('p');
  counter.className = 'deck-counter';
  var blank = document.createElement('div');
  blank.className = 'deck-blank';
  blank.hidden = true;
  document.body.appendChild(counter);
  document.body.appendChild(blank);

  var current = -1;

  function slideOfHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    var slide = target && target.closest('[data-slide]');
    var index = slide ? slides.indexOf(slide) : -1;
    return index < 0 ? 0 : index;
  }

  // Smaller type in steps of 5 %, down to 60 %, until the slide's content fits its screen.
  function fit(slide) {
    slide.style.fontSize = '';
    slide.classList.remove('is-overflowing');
    delete slide.dataset.scale;
    for (var k = 19; k >= 12 && slide.scrollHeight > slide.clientHeight + 1; k--) {
      slide.style.fontSize = k / 20 + 'em';
      slide.dataset.scale = String(k / 20);
    }
    if (slide.scrollHeight > slide.clientHeight + 1) slide.classList.add('is-overflowing');
  }

  function show(index) {
    index = Math.max(0, Math.min(slides.length - 1, index));
    if (index === current) return;
    if (current >= 0) slides[current].classList.remove('is-current');
    current = index;
    var slide = slides[index];
    slide.classList.add('is-current');
    slide.scrollTop = 0;
    window.scrollTo(0, 0);
    fit(slide);
    counter.textContent = (index + 1) + ' / ' + slides.length;
    if (location.hash.slice(1) !== slide.id) history.replaceState(null, '', '#' + slide.id);
  }

  function toggleBlank() {
    blank.hidden = !blank.hidden;
  }

  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var key = event.key;
    if (!blank.hidden) {
      // As in PowerPoint: any key brings the slide back, without moving on.
      if (key !== 'Shift') {
        toggleBlank();
        event.preventDefault();
      }
      return;
    }
    switch (key) {
      case 'ArrowRight': case 'ArrowDown': case 'PageDown': case 'Right': case 'Down': case 'n': case 'N':
        show(current + 1); break;
      case 'ArrowLeft': case 'ArrowUp': case 'PageUp': case 'Left': case 'Up': case 'p': case 'P': case 'Backspace':
        show(current - 1); break;
      case ' ': case 'Spacebar':
        show(event.shiftKey ? current - 1 : current + 1); break;
      case 'Home': show(0); break;
      case 'End': show(slides.length - 1); break;
      case 'b': case 'B': case '.': toggleBlank(); break;
      case 'f': case 'F':
        if (document.fullscreenElement) document.exitFullscreen();
        else if (root.requestFullscreen) root.requestFullscreen().catch(function () {});
        break;
      default: return;
    }
    event.preventDefault();
  });

  // A mouse wheel or a trackpad: one slide per gesture, not per wheel event.
  var wheelUntil = 0;
  document.addEventListener('wheel', function (event) {
    var slide = slides[current];
    if (slide.classList.contains('is-overflowing') || Math.abs(event.deltaY) < 20) return;
    var now = Date.now();
    if (now > wheelUntil) show(current + (event.deltaY > 0 ? 1 : -1));
    wheelUntil = now + 500;
  }, { passive: true });

  // A swipe on a touch screen.
  var touchX = null;
  document.addEventListener('touchstart', function (event) { touchX = event.touches[0].clientX; }, { passive: true });
  document.addEventListener('touchend', function (event) {
    if (touchX === null) return;
    var dx = event.changedTouches[0].clientX - touchX;
    touchX = null;
    if (Math.abs(dx) > 60) show(current + (dx < 0 ? 1 : -1));
  }, { passive: true });

  window.addEventListener('hashchange', function () { show(slideOfHash()); });
  window.addEventListener('resize', function () { fit(slides[current]); });
  show(slideOfHash());
}());
