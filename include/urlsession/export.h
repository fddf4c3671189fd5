/* export.h — symbol visibility and version macros for liburlsession. */
#ifndef URLSESSION_EXPORT_H
#define URLSESSION_EXPORT_H

#if defined(URL_BUILDING_LIBRARY) && defined(__GNUC__)
#define URL_API __attribute__((visibility("default")))
#else
#define URL_API
#endif

#define URL_VERSION_MAJOR  0
#define URL_VERSION_MINOR  1
#define URL_VERSION_PATCH  0
#define URL_VERSION_STRING "0.1.0"

#endif
