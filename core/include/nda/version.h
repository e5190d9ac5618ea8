/* The library's version: ndaccel.__version__, and part of every disk cache
 * key (a new version never loads an older version's binaries). */
#ifndef NDA_VERSION_H
#define NDA_VERSION_H

#define NDA_VERSION "0.1.0"

#endif
