// Runs in every frame of a stand-in BrowserWindow before the page's own scripts (an init
// script). In the main frame it builds Electron's renderer-side `ipcRenderer` and
// `contextBridge` and runs the real preload bundle with a sandboxed preload's `require`
// (https://www.electronjs.org/docs/latest/tutorial/sandbox#preload-scripts). Plain JS: it is
// embedded as text, the preload's source after it.
(function electronStandin(cfg, runPreload, wire) {
  'use strict';
  var binding = window[cfg.binding];
  var isMainFrame = window === window.top;
  // Preloads run in the main frame only unless nodeIntegrationInSubFrames is set:
  // https://www.electronjs.org/docs/latest/api/structures/web-preferences
  if (!isMainFrame && !cfg.subFrames) return;
  if (typeof binding !== 'function') return;
  // With context isolation the page cannot reach the preload's IPC: hide the raw channel.
  try {
    delete window[cfg.binding];
  } catch (e) {}

  var CLONE_ERROR = 'An object could not be cloned.';
  function clone(value) {
    // Electron's IPC: the structured clone algorithm
    // (https://www.electronjs.org/docs/latest/api/ipc-renderer#ipcrendererinvokechannel-args).
    try {
      return structuredClone(value);
    } catch (e) {
      throw new Error(CLONE_ERROR);
    }
  }

  var listeners = new Map();
  function add(channel, listener, once) {
    var list = listeners.get(channel) || [];
    list.push({ listener: listener, once: once });
    listeners.set(channel, list);
  }
  var ipcRenderer = {
    // https://www.electronjs.org/docs/latest/api/ipc-renderer#ipcrendererinvokechannel-args
    invoke: function (channel) {
      var args = Array.prototype.slice.call(arguments, 1);
      var cloned;
      try {
        cloned = clone(args);
      } catch (e) {
        return Promise.reject(e);
      }
      return binding('invoke', String(channel), wire.encode(cloned)).then(function (r) {
        if (r && r.ok) return wire.decode(r.value);
        throw new Error("Error invoking remote method '" + channel + "': " + (r ? r.error : 'no answer'));
      });
    },
    // https://www.electronjs.org/docs/latest/api/ipc-renderer#ipcrenderersendchannel-args
    send: function (channel) {
      var args = clone(Array.prototype.slice.call(arguments, 1));
      void binding('send', String(channel), wire.encode(args));
    },
    // https://www.electronjs.org/docs/latest/api/ipc-renderer#ipcrendereronchannel-listener
    on: function (channel, listener) {
      add(channel, listener, false);
      return ipcRenderer;
    },
    once: function (channel, listener) {
      add(channel, listener, true);
      return ipcRenderer;
    },
    // https://www.electronjs.org/docs/latest/api/ipc-renderer#ipcrendererremovelistenerchannel-listener
    removeListener: function (channel, listener) {
      var list = listeners.get(channel) || [];
      var i = list.findIndex(function (l) {
        return l.listener === listener;
      });
      if (i >= 0) list.splice(i, 1);
      return ipcRenderer;
    },
    off: function (channel, listener) {
      return ipcRenderer.removeListener(channel, listener);
    },
    removeAllListeners: function (channel) {
      if (channel === undefined) listeners.clear();
      else listeners.delete(channel);
      return ipcRenderer;
    },
  };

  // Main's webContents.send arrives here (the name is known to main only).
  Object.defineProperty(window, cfg.token, {
    enumerable: false,
    value: function (channel, encoded) {
      var args = wire.decode(encoded);
      var list = (listeners.get(channel) || []).slice();
      for (var i = 0; i < list.length; i++) {
        if (list[i].once) ipcRenderer.removeListener(channel, list[i].listener);
        // https://www.electronjs.org/docs/latest/api/structures/ipc-renderer-event
        list[i].listener.apply(null, [{ sender: ipcRenderer, ports: [] }].concat(args));
      }
    },
  });

  // contextBridge: functions are proxied, everything else copied and frozen; what cannot be
  // copied (a Proxy, a DOM node, a symbol) is refused with Electron's clone error.
  // https://www.electronjs.org/docs/latest/api/context-bridge#parameter--error--return-type-support
  function pass(value) {
    if (typeof value === 'function') {
      return function () {
        var args = Array.prototype.map.call(arguments, pass);
        return pass(value.apply(null, args));
      };
    }
    if (value === null || (typeof value !== 'object' && typeof value !== 'symbol')) return value;
    if (typeof value === 'symbol') throw new Error(CLONE_ERROR);
    if (value instanceof Promise) {
      return new Promise(function (resolve, reject) {
        value.then(
          function (v) {
            resolve(pass(v));
          },
          function (e) {
            // "Errors that are thrown are also copied": an Error keeps its message only.
            reject(e instanceof Error ? new Error(e.message) : pass(e));
          },
        );
      });
    }
    if (value instanceof Error) return new Error(value.message);
    var plainData;
    try {
      plainData = structuredClone(value);
    } catch (e) {
      plainData = undefined;
    }
    if (plainData !== undefined) return Object.freeze(plainData);
    // Not cloneable as a whole: a plain object or array holding functions or promises is
    // copied key by key (functions proxied); anything else (a Proxy, whose parts are all
    // cloneable, or a DOM object) is what Electron refuses.
    var proto = Object.getPrototypeOf(value);
    var plainShape = Array.isArray(value) || proto === Object.prototype || proto === null;
    if (!plainShape) throw new Error(CLONE_ERROR);
    var keys = Object.keys(value);
    var allCloneable = true;
    var out = Array.isArray(value) ? [] : {};
    for (var k = 0; k < keys.length; k++) {
      var v = value[keys[k]];
      try {
        structuredClone(v);
      } catch (e) {
        allCloneable = false;
      }
      out[keys[k]] = pass(v);
    }
    if (allCloneable) throw new Error(CLONE_ERROR);
    return Object.freeze(out);
  }
  var contextBridge = {
    // https://www.electronjs.org/docs/latest/api/context-bridge#contextbridgeexposeinmainworldapikey-api
    exposeInMainWorld: function (apiKey, api) {
      if (!cfg.contextIsolation) throw new Error('contextBridge API can only be used when contextIsolation is enabled');
      if (apiKey in window) throw new Error('Cannot bind an API on top of an existing property on the window object');
      Object.defineProperty(window, apiKey, { value: pass(api), enumerable: true, configurable: false, writable: false });
    },
  };

  // window.open asks main's setWindowOpenHandler; a denied one opens nothing and returns null
  // (https://www.electronjs.org/docs/latest/api/window-open).
  window.open = function (url, frameName, features) {
    void binding('window-open', url === undefined ? 'about:blank' : String(url), frameName === undefined ? '' : String(frameName), features === undefined ? '' : String(features));
    return null;
  };

  // Links and forms that target a new window go to the same handler
  // (https://www.electronjs.org/docs/latest/api/web-contents#contentssetwindowopenhandlerhandler:
  // "a link with target=_blank, shift+clicking on a link, or submitting a form with <form target=_blank>").
  var selfTargets = { '': 1, _self: 1, _top: 1, _parent: 1 };
  document.addEventListener(
    'click',
    function (event) {
      var el = event.target && event.target.closest ? event.target.closest('a[href]') : null;
      if (!el) return;
      var target = el.getAttribute('target') || '';
      if (selfTargets[target] && !event.shiftKey) return;
      event.preventDefault();
      void binding('window-open', el.href, target, '');
    },
    true,
  );
  document.addEventListener(
    'submit',
    function (event) {
      var form = event.target;
      var target = (form && form.getAttribute && form.getAttribute('target')) || '';
      if (selfTargets[target]) return;
      event.preventDefault();
      void binding('window-open', form.action, target, '');
    },
    true,
  );

  // A sandboxed preload's require: electron (renderer modules), events, timers, url only.
  var modules = { electron: { contextBridge: contextBridge, ipcRenderer: ipcRenderer } };
  function require(id) {
    if (Object.prototype.hasOwnProperty.call(modules, id)) return modules[id];
    throw new Error("module not found: " + id);
  }
  var processShim = { platform: cfg.platform, type: 'renderer', sandboxed: cfg.sandbox, contextIsolated: cfg.contextIsolation, env: {}, versions: cfg.versions, argv: [] };
  var module = { exports: {} };
  try {
    if (runPreload) runPreload(require, module, module.exports, processShim, window);
  } catch (e) {
    // Electron logs "Unable to load preload script" and the page goes on.
    console.error('Unable to load preload script: ' + cfg.preloadPath);
    console.error(e);
    void binding('preload-error', String(e && e.stack ? e.stack : e));
  }
})
