/* sim_xml: small helpers over libxml2's tree for reading requests. */
#include "config.h"

#include "sim/sim_xml.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/sim_render.h"
#include "src/xalloc.h"

/* First element child of n named (ns, local); any namespace when ns is NULL. */
xmlNodePtr
sim_xml_child(xmlNodePtr n, const char *ns, const char *local, int icase)
{
	if (n == NULL)
		return NULL;
	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (ns != NULL && (c->ns == NULL || strcmp((const char *)c->ns->href, ns) != 0))
			continue;
		if (icase ? strcasecmp((const char *)c->name, local) == 0 :
		    strcmp((const char *)c->name, local) == 0)
			return c;
	}
	return NULL;
}

/* Text of an element (owned; "" for an empty one). */
char *
sim_xml_text(xmlNodePtr n)
{
	xmlChar *t = xmlNodeGetContent(n);
	char *s = xstrdup(t != NULL ? (const char *)t : "");

	xmlFree(t);
	return s;
}

/* True when n has xsi:nil="true". */
int
sim_xml_is_nil(xmlNodePtr n)
{
	xmlChar *v = xmlGetNsProp(n, (const xmlChar *)"nil", (const xmlChar *)SIM_NS_XSI);
	int nil = v != NULL && (strcmp((const char *)v, "true") == 0 ||
	    strcmp((const char *)v, "1") == 0);

	xmlFree(v);
	return nil;
}

/* Text of n with leading and trailing white space removed (owned). */
char *
sim_xml_trimmed(xmlNodePtr n)
{
	char *s = sim_xml_text(n), *p = s, *e;

	while (isspace((unsigned char)*p))
		p++;
	e = p + strlen(p);
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	memmove(s, p, (size_t)(e - p));
	s[e - p] = '\0';
	return s;
}

/* Parse an xs:duration; seconds into *out. Negative or malformed: -1. */
int
sim_xml_duration(const char *s, double *out)
{
	double total = 0;
	int in_time = 0, any = 0;

	if (*s++ != 'P')
		return -1;
	while (*s != '\0') {
		char *end;
		double v;

		if (*s == 'T') {
			if (in_time)
				return -1;
			in_time = 1;
			s++;
			if (*s == '\0')
				return -1;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			return -1;
		v = strtod(s, &end);
		if (end == s)
			return -1;
		if (memchr(s, '.', (size_t)(end - s)) != NULL && !(in_time && *end == 'S'))
			return -1;
		switch (*end) {
		case 'Y': if (in_time) return -1; v *= 365 * 86400.0; break;
		case 'M': v *= in_time ? 60.0 : 30 * 86400.0; break;
		case 'D': if (in_time) return -1; v *= 86400.0; break;
		case 'H': if (!in_time) return -1; v *= 3600.0; break;
		case 'S': if (!in_time) return -1; break;
		default: return -1;
		}
		total += v;
		any = 1;
		s = end + 1;
	}
	if (!any)
		return -1;
	*out = total;
	return 0;
}
