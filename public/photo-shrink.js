// Photos taken in the field are made small on the phone before a form sends them (staff's
// after-photos, honours' plaque photos, a resident's answer photo), the same way the report
// form does in its wasm (app/src/reports/client.rs): at most 1600 px on the long edge, EXIF
// orientation applied, JPEG at quality 0.8, no metadata left. A form opts in with
// data-shrink-photos="<text to show while it works>". Where a browser cannot (no
// createImageBitmap or DataTransfer), or a photo cannot be read, the file goes as it is and
// the server's own checks apply. Plain script, not in the wasm: residents' /report never
// loads it.
(function () {
  'use strict';
  if (window.jxShrinkPhotos) return;
  window.jxShrinkPhotos = true;
  var LONG_EDGE = 1600;
  var QUALITY = 0.8;

  function fit(w, h) {
    var long = Math.max(w, h);
    if (long <= LONG_EDGE) return [w, h];
    var s = LONG_EDGE / long;
    return [Math.max(1, Math.round(w * s)), Math.max(1, Math.round(h * s))];
  }

  function naturalSize(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var size = [img.naturalWidth, img.naturalHeight];
        URL.revokeObjectURL(url);
        size[0] > 0 && size[1] > 0 ? resolve(size) : reject(new Error('empty'));
      };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error('unreadable')); };
      img.src = url;
    });
  }

  function decode(file, w, h) {
    return createImageBitmap(file, {
      resizeWidth: w, resizeHeight: h, resizeQuality: 'high', imageOrientation: 'from-image'
    });
  }

  function shrink(file) {
    if (file.type && file.type.indexOf('image/') !== 0) return Promise.resolve(file);
    return naturalSize(file).then(function (size) {
      var wh = fit(size[0], size[1]);
      return decode(file, wh[0], wh[1]).then(function (bmp) {
        if (wh[0] !== wh[1] && bmp.width === wh[1] && bmp.height === wh[0]) {
          // Resized before the EXIF rotation: ask again with the stored image's sides.
          bmp.close();
          return decode(file, wh[1], wh[0]);
        }
        return bmp;
      });
    }).then(function (bmp) {
      var wh = fit(bmp.width, bmp.height);
      var canvas = document.createElement('canvas');
      canvas.width = wh[0];
      canvas.height = wh[1];
      canvas.getContext('2d').drawImage(bmp, 0, 0, wh[0], wh[1]);
      bmp.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob) return resolve(file);
          var name = (file.name || 'photo').replace(/\.[^.]*$/, '') + '.jpg';
          resolve(new File([blob], name, { type: 'image/jpeg' }));
        }, 'image/jpeg', QUALITY);
      });
    }).catch(function () { return file; });
  }

  document.addEventListener('change', function (e) {
    var form = e.target && e.target.form;
    if (form && form.hasAttribute('data-shrink-photos')) delete form.dataset.shrunk;
  }, true);

  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-shrink-photos')) return;
    if (form.dataset.shrunk || !window.createImageBitmap || !window.DataTransfer) return;
    var inputs = Array.prototype.filter.call(
      form.querySelectorAll('input[type=file]'),
      function (i) { return i.files && i.files.length > 0; });
    if (inputs.length === 0) return;
    e.preventDefault();
    var submitter = e.submitter || form.querySelector('[type=submit]');
    if (submitter) submitter.disabled = true;
    var status = form.querySelector('[data-shrink-status]');
    if (!status) {
      status = document.createElement('p');
      status.setAttribute('data-shrink-status', '');
      status.setAttribute('role', 'status');
      status.className = 'notice';
      form.appendChild(status);
    }
    status.textContent = form.getAttribute('data-shrink-photos');
    Promise.all(inputs.map(function (input) {
      return Promise.all(Array.prototype.map.call(input.files, shrink)).then(function (files) {
        var dt = new DataTransfer();
        files.forEach(function (f) { dt.items.add(f); });
        input.files = dt.files;
      });
    })).then(function () {
      form.dataset.shrunk = '1';
      status.textContent = '';
      if (submitter) submitter.disabled = false;
      if (form.requestSubmit) form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      else form.submit();
    });
  }, true);
})();
