// Progressive enhancement only: the page is complete without it. Allowed by its hash in the page's CSP.
(function () {
  'use strict';
  // Dates in the viewer's own zone and language (the server wrote them in UTC).
  var formats = {
    date: new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }),
    datetime: new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
  };
  document.querySelectorAll('time[data-local]').forEach(function (el) {
    var instant = new Date(el.getAttribute('datetime'));
    var format = formats[el.getAttribute('data-local')] || formats.date;
    if (!isNaN(instant.getTime())) el.textContent = format.format(instant);
  });

  // A pack's total as its quantity changes.
  document.querySelectorAll('form[data-offer]').forEach(function (form) {
    var input = form.querySelector('input[name="quantity"]');
    var total = form.querySelector('output');
    var unit = Number(form.getAttribute('data-unit-amount'));
    var currency = form.getAttribute('data-currency');
    var locale = form.getAttribute('data-locale') || undefined;
    if (!input || !total || !currency || !isFinite(unit) || unit <= 0) return;
    var money = new Intl.NumberFormat(locale, { style: 'currency', currency: currency });
    var digits = money.resolvedOptions().maximumFractionDigits;
    var update = function () {
      var quantity = Number(input.value);
      total.textContent = Number.isInteger(quantity) && quantity >= 1 ? 'Total ' + money.format((unit * quantity) / Math.pow(10, digits)) : '';
    };
    input.addEventListener('input', update);
    update();
  });

  // Back from Checkout before Stripe's webhook: look again a few times, then leave it to the reload link.
  var pending = document.querySelector('[data-awaiting-credits]');
  if (pending) {
    var url = new URL(window.location.href);
    var tries = Number(url.searchParams.get('tries') || '0');
    if (tries < 15) {
      window.setTimeout(function () {
        url.searchParams.set('tries', String(tries + 1));
        window.location.replace(url.toString());
      }, 2000);
    }
  }
})();
