/* sim_xml: reading requests with libxml2 (elements by namespace URI and local name). */
#ifndef BITSIM_SIM_XML_H
#define BITSIM_SIM_XML_H

#include <libxml/tree.h>

/* First element child of n named (ns, local); local-name only when ns is NULL;
 * case-insensitive local name when icase. */
xmlNodePtr sim_xml_child(xmlNodePtr n, const char *ns, const char *local, int icase);
/* Text of an element (owned; "" for an empty one). */
char *sim_xml_text(xmlNodePtr n);
/* Text of n with leading and trailing white space removed (owned). */
char *sim_xml_trimmed(xmlNodePtr n);
/* True when n has xsi:nil="true" (or "1"). */
int sim_xml_is_nil(xmlNodePtr n);
/* An xs:duration ("PT60.000S") in seconds into *out; -1 when negative or malformed. */
int sim_xml_duration(const char *s, double *out);

#endif
