// The outbox's photos (outbox.js): a file kept on this device waits in IndexedDB, one
// record per file, named "<outbox prefix><entry key>:<field>" (localStorage holds text
// only, and little of it). The entry in localStorage lists them.
(function () {
  "use strict";
  if (window.PortalOutboxFiles) return; // the form page loads this file twice

  function filesDo(mode, work) {
    return new Promise((resolve, reject) => {
      if (!window.indexedDB) throw new Error("IndexedDB is not available");
      const opening = indexedDB.open("cep-outbox-files", 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore("files");
      opening.onerror = () => reject(opening.error);
      opening.onsuccess = () => {
        const db = opening.result;
        const transaction = db.transaction("files", mode);
        const request = work(transaction.objectStore("files"));
        transaction.oncomplete = () => {
          db.close();
          resolve(request.result);
        };
        transaction.onerror = transaction.onabort = () => {
          db.close();
          reject(transaction.error);
        };
      };
    });
  }

  window.PortalOutboxFiles = {
    put: (name, file) => filesDo("readwrite", (store) => store.put(file, name)),
    get: (name) => filesDo("readonly", (store) => store.get(name)),
    // Never fails: a file already gone is as good as dropped.
    drop: (name) => filesDo("readwrite", (store) => store.delete(name)).catch(() => undefined),
  };
})();
